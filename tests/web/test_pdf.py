"""Authority-ready PDFs (issue 18): the breach register and the accountability dossier in
French words (no field names, codes, True/False, Python dicts or UTC timestamps), checked
page by page as PNGs for content running past the right margin."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from garant.accounts.service import add_user, issue_token
from garant.app import Garant
from garant.web.app import create_app
from tests.i18n.scan import problems
from tests.i18n.walk import BREACH

MARGIN_MM = 8  # the print margins are 14 mm: nothing may reach the last 8 mm of a page
PAGE_BOX = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
WORD_BOX = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"')


def _pages(pdf: bytes, tmp: Path, name: str) -> list[Path]:
    source = tmp / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), str(tmp / name)], check=True)
    return sorted(tmp.glob(f"{name}-*.png"))


def _overflowing_pages(pages: list[Path]) -> list[str]:
    """Pages with anything drawn in the right margin (a table or a word past the edge)."""
    bad = []
    for page in pages:
        with Image.open(page) as image:
            gray = image.convert("L")
            width, height = gray.size
            band = int(width * MARGIN_MM / 210)
            strip = gray.crop((width - band, 0, width, height))
            if strip.getextrema()[0] < 200:
                bad.append(page.name)
    return bad


def _words_past_the_margin(pdf: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    page = PAGE_BOX.search(out)
    assert page, "pdftotext gave no page box"
    limit = float(page.group(1)) - MARGIN_MM * 72 / 25.4
    return [m.group(0) for m in WORD_BOX.finditer(out) if float(m.group(2)) > limit]


def _text(pdf: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [line for line in out.splitlines() if line.strip()]


@pytest.fixture
def with_breach(make_garant: Callable[..., Garant]) -> tuple[Garant, str]:
    garant = make_garant(example="alliance-francaise")
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="dpo@x.example", role="dpo", password="pw-" + "x" * 20)
        token = issue_token(uow=uow, email="dpo@x.example", name="t")
    return garant, token


def _client(garant: Garant, token: str, lang: str) -> TestClient:
    return TestClient(
        create_app(garant),
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": lang},
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_breach_register_pdf_speaks_words_and_fits_its_pages(
    with_breach: tuple[Garant, str], lang: str, tmp_path: Path
) -> None:
    """AF-B1: the register the authority may ask for (Art. 33(5))."""
    garant, token = with_breach
    client = _client(garant, token, lang)
    long_text = "Le destinataire a effacé la liste ; " + "x" * 180  # an unbroken word wraps too
    created = client.post("/api/breaches", json=BREACH | {"measures_taken": long_text})
    assert created.status_code == 201, created.text
    pdf = client.get("/api/breaches/export?format=pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "register.pdf"
    path.write_bytes(pdf.content)
    lines = _text(path)
    text = "\n".join(lines)
    if lang == "fr":
        assert "Registre des violations de données personnelles" in text
        assert "Nature de la violation" in text and "Confidentialité" in text
        assert "2 mars 2026, 09:00 (heure de Paris)" in text  # aware at 08:00 UTC
    else:
        assert (
            "Register of personal data breaches" in text
            and "2 March 2026, 09:00 (Paris time)" in text
        )
    assert "True" not in text and "False" not in text and "{" not in text
    assert problems(lines, lang, f"register.pdf ({lang})") == []
    pages = _pages(pdf.content, tmp_path, f"register-{lang}")
    assert pages
    assert _overflowing_pages(pages) == []
    assert _words_past_the_margin(path) == []


def test_dossier_pdf_has_no_python_values_and_fits_its_pages(
    with_breach: tuple[Garant, str], tmp_path: Path
) -> None:
    """AF-A1: the dossier, page by page: no dict, no True/False, nothing past the margin."""
    garant, token = with_breach
    client = _client(garant, token, "fr")
    assert client.post("/api/breaches", json=BREACH).status_code == 201
    pdf = client.get("/api/accountability/dossier.pdf")
    assert pdf.status_code == 200
    path = tmp_path / "dossier.pdf"
    path.write_bytes(pdf.content)
    text = "\n".join(_text(path))
    assert "True" not in text and "False" not in text
    assert not re.search(r"\{'?\w+'?: ", text), "a Python dict is printed"
    assert "legal_obligation" not in text and "Obligation" in text  # légale wraps
    pages = _pages(pdf.content, tmp_path, "dossier")
    assert len(pages) > 1
    assert _overflowing_pages(pages) == []
    assert _words_past_the_margin(path) == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_register_pdf_in_the_cnil_layout_fits_its_pages(
    with_breach: tuple[Garant, str], lang: str, tmp_path: Path
) -> None:
    """DEF-A1: the register (Art. 30(1)) in the CNIL template's headings, one sheet per
    activity after the organization, words only, nothing past the margin."""
    from tests.web.conftest import csrf_of

    garant, _token = with_breach
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="reg@x.example", role="dpo", password="pw-" + "x" * 20)
    web = TestClient(create_app(garant), base_url="http://testserver")
    web.post(
        "/login",
        data={"email": "reg@x.example", "password": "pw-" + "x" * 20,
              "csrf_token": csrf_of(web), "next": "/admin"},
    )  # fmt: skip
    assert "format=pdf" in web.get("/admin/register").text
    pdf = web.get(f"/admin/register/export?format=pdf&lang={lang}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "register.pdf"
    path.write_bytes(pdf.content)
    lines = _text(path)
    text = "\n".join(lines)
    heading = "Base légale" if lang == "fr" else "Legal basis"
    assert heading in text and garant.policy.activities[0].name.get(lang).split()[0] in text
    assert "legal_obligation" not in text and "True" not in text
    pages = _pages(pdf.content, tmp_path, f"cnil-register-{lang}")
    assert len(pages) > len(garant.policy.activities)  # one sheet per activity
    assert _overflowing_pages(pages) == []
    assert _words_past_the_margin(path) == []
    # the activity's reference is the organization's own identifier (the template's
    # "Référence"), shown as written; every other line speaks words
    said = [line for line in lines if not line.strip().startswith(("Référence", "Reference"))]
    assert [p for p in problems(said, lang, "register") if "raw code" in p] == []
