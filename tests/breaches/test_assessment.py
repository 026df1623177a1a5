"""The assessment against the EDPB's worked examples (AF-B1, AF-B2, AF-B3).

One test per case of the EDPB Guidelines 01/2021, each naming its case. Only case 01 could
be read in the guideline's own words (tests/breaches/scenarios.py says why); its docstring
quotes the conclusion. The others say they are unverified instead of quoting.
"""

from __future__ import annotations

import sys

import pytest

from garant.breaches.adjustments import assess
from garant.breaches.assessment import localized
from garant.breaches.schemas import Facts
from tests.breaches.scenarios import CASES, NOT_ENCODED


def _check(case: str) -> list[str]:
    """AF-B2/AF-B3: notify the authority and inform persons exactly when the EDPB says so."""
    scenario = CASES[case]
    result = assess(Facts.model_validate(scenario["facts"]))
    got = {k: getattr(result, k) for k in ("risk", "notify_authority", "inform_persons")}
    assert got == scenario["expected"], (scenario["source"], result.reasons)
    assert result.reasons and "ENISA" in result.reasons[0]
    assert len(result.reason_codes) == len(result.reasons)
    return result.reason_codes


def test_edpb_case_01_ransomware_with_proper_backup_and_without_exfiltration() -> None:
    """EDPB 01/2021 case 01, verified against the text (para. 25): "In this case, following a
    detailed impact assessment and incident response process, the controller determined that
    the breach was unlikely to result in a risk to the rights and freedoms of natural persons,
    hence no communication to the data subjects is necessary, nor does the breach require a
    notification to the SA."

    The ransomware's encryption is an alteration (para. 17), undone from the backup within
    hours: the mitigating factor applies although integrity was breached.
    """
    codes = _check("01")
    assert "edpb.mitigating.unintelligible" in codes


def test_edpb_case_02_ransomware_without_proper_backup() -> None:
    """EDPB 01/2021 case 02. Unverified: the case's text was not available, no conclusion is
    quoted; verdict (notify the SA, not the persons) as in a third-party table of outcomes."""
    assert _check("02")[-1] == "conclusion.notify_authority"


def test_edpb_case_03_ransomware_with_backup_and_without_exfiltration_in_a_hospital() -> None:
    """EDPB 01/2021 case 03. Unverified: the case's text was not available, no conclusion is
    quoted; verdict (notify the SA and the persons) as in a third-party table of outcomes."""
    assert _check("03")[-1] == "conclusion.notify_and_inform"


def test_edpb_case_04_ransomware_without_backup_and_with_exfiltration() -> None:
    """EDPB 01/2021 case 04. Unverified: the case's text was not available, no conclusion is
    quoted; verdict (notify the SA and the persons) as in a third-party table of outcomes."""
    assert _check("04")[-1] == "conclusion.notify_and_inform"


def test_edpb_case_06_exfiltration_of_hashed_password_from_a_website() -> None:
    """EDPB 01/2021 case 06. Unverified: the case's text was not available, no conclusion is
    quoted; verdict (document only) as in a third-party table of outcomes."""
    assert "edpb.mitigating.unintelligible" in _check("06")


def test_edpb_case_07_credential_stuffing_attack_on_a_banking_website() -> None:
    """EDPB 01/2021 case 07. Unverified: the case's text was not available, no conclusion is
    quoted; verdict (notify the SA and the persons) as in a third-party table of outcomes."""
    assert _check("07")[-1] == "conclusion.notify_and_inform"


def test_edpb_case_08_exfiltration_of_business_data_by_an_employee() -> None:
    """EDPB 01/2021 case 08. Unverified: the case's text was not available, no conclusion is
    quoted; verdict (notify the SA, not the persons) as in a third-party table of outcomes."""
    assert _check("08")[-1] == "conclusion.notify_authority"


def test_edpb_case_09_accidental_transmission_of_data_to_a_trusted_third_party() -> None:
    """EDPB 01/2021 case 09. Unverified: the case's text was not available, no conclusion is
    quoted; verdict (document only) as in a third-party table of outcomes."""
    assert "edpb.mitigating.unintelligible" in _check("09")


def test_edpb_case_10_stolen_material_storing_encrypted_personal_data() -> None:
    """EDPB 01/2021 case 10. Unverified: the case's text was not available, no conclusion is
    quoted; verdict (document only) as in a third-party table of outcomes."""
    assert "edpb.mitigating.unintelligible" in _check("10")


def test_edpb_case_11_stolen_material_storing_non_encrypted_personal_data() -> None:
    """EDPB 01/2021 case 11. Unverified: the case's text was not available, no conclusion is
    quoted; verdict (notify the SA and the persons) as in a third-party table of outcomes."""
    assert "edpb.high.large_scale_theft" in _check("11")


def test_edpb_case_12_stolen_paper_files_with_sensitive_data() -> None:
    """EDPB 01/2021 case 12. Unverified: the case's text was not available, no conclusion is
    quoted; verdict (notify the SA and the persons) as in a third-party table of outcomes."""
    assert _check("12")[-1] == "conclusion.notify_and_inform"


def test_edpb_case_14_highly_confidential_personal_data_sent_by_mail_by_mistake() -> None:
    """EDPB 01/2021 case 14. Unverified: the case's text was not available, no conclusion is
    quoted; verdict (notify the SA and the persons) as in a third-party table of outcomes."""
    assert _check("14")[-1] == "conclusion.notify_and_inform"


def _case_tests() -> dict[str, str]:
    module = sys.modules[__name__]
    return {
        name.split("_")[3]: getattr(module, name).__doc__ or ""
        for name in dir(module)
        if name.startswith("test_edpb_case_")
    }


def test_every_encoded_case_has_its_test_naming_it_and_quoting_or_saying_unverified() -> None:
    tests = _case_tests()
    assert sorted(tests) == sorted(CASES)
    assert not set(NOT_ENCODED) & set(CASES)
    for case, doc in tests.items():
        flat = " ".join(doc.split())
        assert f"EDPB 01/2021 case {case}" in flat
        scenario = CASES[case]
        assert f"CASE No. {case}" in scenario["source"]
        if scenario["verified"]:
            assert f'"{scenario["conclusion"]}"' in flat, case
        else:
            assert "Unverified" in flat and '"' not in flat, case


def test_ransomware_alteration_restored_from_backup_within_hours_is_no_lasting_loss() -> None:
    """EDPB 01/2021 case 01 (paras. 17, 21-22), made general: data altered and made unusable
    (integrity and availability: ransomware) and put back from a backup within a day, with no
    effect on the service, does not keep the mitigating factor away. Without a backup the
    loss lasts; a silent alteration (integrity alone) is not mitigated by the backup."""
    base = {
        "nature": ["integrity", "availability"],
        "malicious": True,
        "data_categories": ["identification", "health"],
        "persons": 200,
        "records": 200,
        "exfiltration": "ruled_out",
    }
    restored = assess(Facts.model_validate(base | {"backup_available": True, "restore_hours": 3}))
    assert restored.risk == "none" and not restored.notify_authority
    assert "edpb.mitigating.no_lasting_loss" in restored.reason_codes
    lost = assess(Facts.model_validate(base | {"backup_available": False}))
    assert lost.risk == "high" and lost.notify_authority
    assert "edpb.mitigating.no_lasting_loss" not in lost.reason_codes
    silent = assess(
        Facts.model_validate(
            base | {"nature": ["integrity"], "backup_available": True, "restore_hours": 3}
        )
    )
    assert silent.risk == "high" and "edpb.mitigating.no_lasting_loss" not in silent.reason_codes


def test_reasons_in_french_keep_their_codes() -> None:
    """The sentences follow the language; the codes, which machines read, do not."""
    result = assess(Facts.model_validate(CASES["07"]["facts"]))
    french = localized(result, "fr")
    assert french.reason_codes == result.reason_codes
    assert french.reasons != result.reasons and len(french.reasons) == len(result.reasons)
    assert french.reasons[-1].startswith("Violation susceptible d'engendrer un risque élevé")
    assert "confidentialité +0,5" in " ".join(french.reasons)
    assert localized(result, "en").reasons == result.reasons


def test_unknown_category_and_field_are_refused() -> None:
    base = CASES["01"]["facts"]
    with pytest.raises(ValueError, match="unknown data category"):
        Facts.model_validate(base | {"data_categories": ["shoe_size"]})
    with pytest.raises(ValueError, match="extra"):
        Facts.model_validate(base | {"severity": 3})
