"""Defect 5 (issue #18): a document whose check digits fail, or that had expired, is saved
only when the official confirmed it, and the crossing records the confirmation. The rule is
the service's (db.validation), not only the screen's. Defects 4 and 11: typed countries and
ages, as the service layer's helpers read them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from border_app import model as dm
from border_app.roles import Role
from db_helpers import draft, table_snapshot


@pytest.fixture
def official(world):
    from db.services import RegistrationService

    return RegistrationService(world.db, world.actor(Role.BORDER_OFFICIAL))


def with_document(d: dm.RegistrationDraft, **doc) -> dm.RegistrationDraft:
    return replace(d, document=replace(d.document, **doc))


def test_an_expired_document_is_refused_without_confirmation_then_stored_with_it(official, world):
    from db.validation import ConfirmationRequired

    d = with_document(draft(number="EXP0001"), expiry_date=date.today() - timedelta(days=30))
    before = table_snapshot(world.db)
    with pytest.raises(ConfirmationRequired) as err:
        official.register(d)
    assert err.value.expired and not err.value.invalid
    assert "expir" in err.value.message
    assert table_snapshot(world.db) == before  # nothing written

    reg = official.register(replace(d, confirmed_expired=True))
    assert reg.confirmed_expired and not reg.confirmed_invalid
    back = official.get(reg.crossing_id)
    assert back.confirmed_expired and not back.confirmed_invalid


def test_failing_check_digits_are_refused_without_confirmation_then_stored_with_it(official):
    from db.validation import ConfirmationRequired

    d = with_document(draft(number="BAD0001"), mrz_valid=False, expiry_date=date.today() + timedelta(days=900))
    with pytest.raises(ConfirmationRequired) as err:
        official.register(replace(d, confirmed_expired=True))  # the wrong confirmation is not enough
    assert err.value.invalid and not err.value.expired
    reg = official.register(replace(d, confirmed_invalid=True))
    assert reg.confirmed_invalid and not reg.confirmed_expired
    assert official.get(reg.crossing_id).confirmed_invalid


def test_both_problems_need_both_confirmations(official):
    from db.validation import ConfirmationRequired

    d = with_document(draft(number="BOTH001"), mrz_valid=False, expiry_date=date.today() - timedelta(days=2))
    with pytest.raises(ConfirmationRequired):
        official.register(replace(d, confirmed_invalid=True))
    reg = official.register(replace(d, confirmed_invalid=True, confirmed_expired=True))
    assert reg.confirmed_invalid and reg.confirmed_expired


def test_a_sound_document_is_not_marked_even_when_confirmed(official):
    d = with_document(draft(number="GOOD001"), mrz_valid=True, expiry_date=date.today() + timedelta(days=400))
    reg = official.register(replace(d, confirmed_invalid=True, confirmed_expired=True))
    assert not reg.confirmed_invalid and not reg.confirmed_expired
    plain = official.register(draft(number="PLAIN01"))  # no MRZ, no expiry: nothing to confirm
    assert not plain.confirmed_invalid and not plain.confirmed_expired


def test_update_is_checked_too(world, official):
    from db.services import RegistrationService
    from db.validation import ConfirmationRequired

    supervisor = RegistrationService(world.db, world.actor(Role.SUPERVISOR))
    reg = official.register(draft(number="UPD0001"))
    expired = with_document(draft(number="UPD0001", when=reg.crossing.crossed_at),
                            expiry_date=date.today() - timedelta(days=10))
    expired.document.id = reg.document.id
    with pytest.raises(ConfirmationRequired):
        supervisor.update(reg.crossing_id, expired)
    assert not official.get(reg.crossing_id).confirmed_expired
    updated = supervisor.update(reg.crossing_id, replace(expired, confirmed_expired=True))
    assert updated.confirmed_expired and official.get(reg.crossing_id).confirmed_expired


def test_expiry_is_judged_on_the_day_of_the_crossing():
    from datetime import datetime, timezone

    from db.validation import document_problems

    doc = dm.DocumentData(doc_type=dm.DocumentType.PASSPORT, number="X1", expiry_date=date(2026, 3, 1))
    assert not document_problems(doc, datetime(2026, 3, 1, 12, tzinfo=timezone.utc)).expired
    assert document_problems(doc, datetime(2026, 3, 2, 12, tzinfo=timezone.utc)).expired
    # 23:30 UTC on 28 February is 00:30 on 1 March at the post: still valid that day
    assert not document_problems(doc, datetime(2026, 2, 28, 23, 30, tzinfo=timezone.utc)).expired
    assert not document_problems(None, datetime(2026, 3, 2, tzinfo=timezone.utc))


@pytest.mark.parametrize("typed, code", [
    ("Niger", "NER"), ("niger", "NER"), ("NER", "NER"), ("ner", "NER"), ("Mali", "MLI"),
    ("Nigéria", "NGA"), ("nigeria", "NGA"), ("NER — Niger", "NER"), ("Burkina", "BFA"),
    ("cote d'ivoire", "CIV"), ("Tchad", "TCD"), ("Chad", "TCD"), ("D", "D"), ("Allemagne", "D"),
])
def test_a_typed_country_that_names_one_country_is_taken(typed, code):
    from db.validation import match_country

    assert match_country(typed).code == code


def test_a_typed_country_that_names_several_or_none_is_flagged():
    from db.validation import country_problem, match_country

    gui = match_country("Gui")
    assert gui.code is None and gui.status == "ambiguous"
    assert {"GIN", "GNB", "GNQ"} <= set(gui.candidates)
    assert match_country("Nig").status == "ambiguous"  # Niger, Nigeria
    assert match_country("Zorglub").status == "unknown"
    assert match_country("") is None and match_country(None) is None
    assert "Gui" in country_problem("Gui", "Nationality")
    assert country_problem("Niger", "Nationality") is None


def test_an_age_is_stored_as_an_approximate_birth_year():
    from border_app.model import birth_year_from_age, parse_age

    for text in ("40", "about 40", "~40", "40 ans", "environ 40 ans", "40 years"):
        assert parse_age(text) == 40, text
    for text in ("1985", "", "forty", "12/1985", "400"):
        assert parse_age(text) is None, text
    assert birth_year_from_age(40, date(2026, 12, 7)) == "1986"
    assert birth_year_from_age(0, date(2026, 12, 7)) == "2026"
