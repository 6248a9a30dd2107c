"""The registration screen receives the parsed MRZ itself (issue #19, item 3): no dict read
back field by field, the document type from ``MrzResult.document_type``, the MRZ shapes from
``border_app.mrz.layouts``; a draft keeps the reading, and a stored registration's MRZ facts
are kept when it is edited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from border_app import mrz
from border_app.model import DocumentType
from border_app.mrz.layouts import SHAPES
from ui import registration

from .test_registration_screen import save_and_wait, signed_in

pytestmark = pytest.mark.gui


def _expiry() -> date:
    return date.today() + timedelta(days=5 * 365)


def test_the_screen_takes_the_mrz_result_itself(qtbot, app_controller):
    _main, reg = signed_in(qtbot, app_controller)
    lines = mrz.build_td2(surname="MOUSSA", given_names="IDI", document_number="ID7777777",
                          issuing_state="NER", birth_date=date(1990, 2, 3), sex="M",
                          expiry_date=_expiry(), document_code="ID")
    result = mrz.parse(lines)
    assert result.valid
    reg.apply_mrz(result)
    assert reg.surname.text() == "MOUSSA" and reg.given_names.text() == "IDI"
    assert reg.doc_type.value() == result.document_type == DocumentType.ID_CARD
    assert reg.doc_number.text() == "ID7777777" and reg.issuing_state.value() == "NER"
    assert reg.birth_date.text() == "03/02/1990" and reg.sex.value() == "M"
    assert reg.mrz_view.text() == result.raw
    assert reg.badges["composite"].property("ok") is True

    kept = reg.save_draft()
    assert kept.mrz is result
    reg.new_registration()
    reg.restore_draft(kept)
    document = reg.draft().document
    assert (document.document_code, document.mrz_format, document.mrz_raw, document.mrz_valid) == (
        "ID", "TD2", result.raw, True)
    assert reg.badges["composite"].property("ok") is True

    # a stored registration edited keeps its MRZ facts
    save_and_wait(qtbot, reg, "MOUSSA")
    stored = reg.last_saved
    reg.load_registration(stored)
    document = reg.draft().document
    assert (document.document_code, document.mrz_format, document.mrz_raw, document.mrz_valid) == (
        "ID", "TD2", result.raw, True)
    kept = reg.save_draft()
    reg.new_registration()
    reg.restore_draft(kept)
    assert reg.mrz_view.text() == result.raw
    assert reg.draft().document.mrz_raw == result.raw


def test_the_screen_has_no_table_of_its_own():
    assert not hasattr(registration, "MRZ_LENGTHS") and not hasattr(registration, "DOC_TYPE_BY_CODE")
    built = {"TD1": mrz.build_td1, "TD2": mrz.build_td2, "TD3": mrz.build_td3,
             "MRVA": mrz.build_mrva, "MRVB": mrz.build_mrvb}
    shapes = set()
    for build in built.values():
        lines = build(surname="A", document_number="X1", issuing_state="NER", expiry_date=_expiry())
        assert registration.mrz_looks_complete("\n".join(lines))
        assert not registration.mrz_looks_complete("\n".join(lines[:-1]))
        shapes.add((len(lines), len(lines[0])))
    assert shapes == SHAPES
    assert not registration.mrz_looks_complete("P<NERABC")
