"""AF-D1: the package a person receives opens in a browser and reads without any tool: their
data in tables with French labels, grouped by purpose with the Art. 15 information, their
postal address, and links to labelled CSV and JSON files; the same as `subject export`."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from garant.app import Garant
from garant.subjects.export import export_subject
from garant.subjects.rules import Identity
from tests.web.flows import ARTIFACTS, WIDTHS, demo_person, demo_workspace

pytestmark = pytest.mark.browser
RAW = {"True", "False", "active", "paid", "website", "event", "course"}


def test_af_d1_package_index_reads_in_chromium(
    make_garant: Callable[..., Garant], browser: Any, tmp_path: Path
) -> None:
    garant = demo_workspace(make_garant, persons=6)
    person = demo_person(garant)
    email = person["identities"]["email"]
    with garant.unit_of_work() as uow:
        export_subject(uow=uow, identities=[Identity("email", email)], out=tmp_path / "p.zip",
                       purpose="access request", lang="fr")  # fmt: skip
    folder = tmp_path / "package"
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        archive.extractall(folder)
    page = browser.new_page(locale="fr-FR")
    page.goto((folder / "index.html").as_uri())
    assert page.get_by_role("heading", name="Vos données personnelles", exact=True).is_visible()
    assert page.get_by_role("columnheader", name="Prénom").first.is_visible()
    assert page.get_by_role("heading", name="Adresses postales").is_visible()
    assert page.get_by_text("Base légale").first.is_visible()  # Art. 15(1) information
    assert email in page.content()
    # every cell as a person reads it (issue 18): no ISO time, True/False or raw code
    shown = [t.strip() for t in page.locator("td").all_inner_texts()]
    raw = [t for t in shown if re.search(r"\d{4}-\d{2}-\d{2}", t) or t in RAW]
    assert raw == [], f"cells shown as stored: {raw}"
    assert page.get_by_role("cell", name="En cours", exact=True).first.is_visible()
    assert page.get_by_text("les fichiers CSV et JSON gardent les valeurs").is_visible()
    shots = ARTIFACTS / "package"
    shots.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"index-{width}.png"), full_page=True)
    link = page.get_by_role("link", name="tableau (CSV, pour un tableur)").first
    target = folder / str(link.get_attribute("href"))
    assert target.is_file() and target.suffix == ".csv"
    with target.open(encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    assert "Prénom" in header and "first_name" not in header  # labelled columns
    json_link = page.get_by_role("link", name="données (JSON, pour un logiciel)").first
    assert (folder / str(json_link.get_attribute("href"))).is_file()
    page.close()


def test_af_d1_the_request_package_is_the_subject_export_plus_data_json(
    make_garant: Callable[..., Garant], tmp_path: Path
) -> None:
    """The zip behind the person's download link holds what `garant subject export` writes."""
    import io

    from garant.rights import package, service
    from garant.rights.rules import Channel, RequestType
    from garant.rights.schemas import RequestCreate

    garant = demo_workspace(make_garant, persons=6)
    email = demo_person(garant)["identities"]["email"]
    with garant.unit_of_work() as uow:
        asked = RequestCreate(
            type=RequestType.ACCESS, identities={"email": email}, channel=Channel.API, lang="fr"
        )
        req, _token = service.open_request(uow=uow, data=asked)
        built = package.build(uow, req)
        blob = package.content(uow, built)
        export_subject(uow=uow, identities=[Identity("email", email)], out=tmp_path / "p.zip",
                       purpose="comparison", lang="fr")  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(blob)) as sent, zipfile.ZipFile(tmp_path / "p.zip") as made:
        assert set(sent.namelist()) == set(made.namelist()) | {"data.json"}
        assert "af/addresses.csv" in sent.namelist()  # the postal address, beside the learner
        assert sent.read("af/learners.csv") == made.read("af/learners.csv")
