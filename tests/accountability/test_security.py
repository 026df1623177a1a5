"""AF-SEC1, DEF-SEC1, DEF-SEC2: security measures in the register, never lowered."""

from __future__ import annotations

from collections.abc import Callable

from garant.accountability.check_runner import run_checks
from garant.accountability.dossier import security_section
from garant.app import Garant
from tests.accountability.demo import POLICY, seed_row

MEASURE = "  - {{id: {id}, category: {cat}, label: {{fr: {id}, en: {id}}}{extra}}}\n"


def _policy(*measures: str) -> str:
    head, _, _ = POLICY.partition("security_measures:\n")
    return head + "security_measures:\n" + "".join(measures)


def _measure(id: str, cat: str = "access_control", extra: str = "") -> str:
    return MEASURE.format(id=id, cat=cat, extra=extra)


def test_af_sec1_def_sec1_def_sec2_weakened_or_removed_measure_is_flagged(
    make_garant: Callable[..., Garant], store_url: str
) -> None:
    """DEF-SEC2: removing a measure without replacement or lowering its strength is flagged;
    a measure replaced by another is not (AF-SEC1, DEF-SEC1: measures are in the register)."""
    published = _policy(
        _measure("access_control", extra=", strength: 4"),
        _measure("backups", "backup"),
        _measure("vpn", "network"),
        _measure("antivirus", "software_protection"),
    )
    current = _policy(
        _measure("access_control", extra=", strength: 2"),
        _measure("offsite_backups", "backup", ", replaces: backups"),
        _measure("vpn", "network"),
    )
    garant = make_garant(policy=current, url=store_url)
    now = garant.clock.now()
    seed_row(garant, "policy_versions", now, number=1, content=published, summary="v1")
    with garant.unit_of_work() as uow:
        report = run_checks(uow=uow, store=False)
        section = security_section(uow)
    messages = sorted(f.message for f in report.findings if f.check == "security_measure")
    assert messages == [
        'security measure "access_control" weakened from 4 to 2 (policy.yaml)',
        'security measure "antivirus" removed without a replacement (policy.yaml)',
    ]
    assert all("DEF-SEC2" in f.promises for f in report.findings)
    assert section.data["current"] == ["access_control", "offsite_backups", "vpn"]
