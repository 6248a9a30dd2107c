"""Demo traveller generator: deterministic, realistic, and every MRZ real and matching."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from border_app import mrz
from border_app.countries import is_valid_code
from border_app.demo import FOREIGN_PLACES, NIGER_PLACES, generate_travellers
from border_app.model import Direction, DocumentType, RegistrationDraft, TransportMode, check_partial_date

END = datetime(2026, 11, 28, 18, 30, tzinfo=timezone.utc)
N = 3000


@pytest.fixture(scope="module")
def drafts() -> list[RegistrationDraft]:
    return list(generate_travellers(N, seed=7, end=END))


def test_count_and_type(drafts):
    assert len(drafts) == N
    assert all(isinstance(d, RegistrationDraft) for d in drafts)
    assert list(generate_travellers(0, end=END)) == []
    assert len(list(generate_travellers(1, end=END))) == 1


def test_deterministic_for_a_seed(drafts):
    assert list(generate_travellers(N, seed=7, end=END)) == drafts
    other = list(generate_travellers(N, seed=8, end=END))
    assert other != drafts
    assert [d.person.surname for d in other[:50]] != [d.person.surname for d in drafts[:50]]


def test_bad_arguments():
    with pytest.raises(ValueError):
        list(generate_travellers(-1))
    with pytest.raises(ValueError):
        list(generate_travellers(5, weeks=0))


def test_every_mrz_parses_valid_and_matches_the_draft(drafts):
    documented = [d for d in drafts if d.document is not None]
    assert documented
    for draft in documented:
        doc, person = draft.document, draft.person
        result = mrz.parse(doc.mrz_raw, today=END.date())
        assert result.valid, (doc.mrz_raw, result.errors)
        assert result.corrections == []
        assert result.format == doc.mrz_format
        assert result.document_type is doc.doc_type
        assert result.document_code == doc.document_code
        assert result.document_number == doc.number
        assert result.issuing_state == doc.issuing_state
        assert result.expiry == doc.expiry_date
        assert result.surname == person.surname
        assert result.given_names == person.given_names
        assert result.birth_date == person.birth_date
        assert result.sex == person.sex
        assert result.nationality == person.nationality
        assert doc.mrz_valid is True
        assert not person.identity_declared and not person.birth_date_approximate


def test_about_fifteen_percent_without_document(drafts):
    undocumented = [d for d in drafts if d.document is None]
    share = len(undocumented) / len(drafts)
    assert 0.10 <= share <= 0.20
    assert all(d.person.identity_declared for d in undocumented)
    approximate = [d for d in undocumented if d.person.birth_date_approximate]
    assert len(approximate) > len(undocumented) / 3
    assert all(len(d.person.birth_date) == 4 for d in approximate)  # "about 1985"


def test_formats_mix_and_expired_documents(drafts):
    formats = Counter(d.document.mrz_format for d in drafts if d.document)
    assert formats.most_common(1)[0][0] == "TD3"
    assert formats["TD1"] > formats["TD2"] > 0
    assert formats["MRVA"] + formats["MRVB"] > 0
    types = Counter(d.document.doc_type for d in drafts if d.document)
    assert types[DocumentType.PASSPORT] > types[DocumentType.ID_CARD] > types[DocumentType.VISA] > 0
    expired = [d for d in drafts if d.document and d.document.expiry_date < d.crossing.crossed_at.date()]
    assert 0 < len(expired) < 0.15 * len(drafts)
    assert any(len(d.document.number) > 9 for d in drafts if d.document and d.document.mrz_format == "TD1")
    assert any(d.person.birth_date and len(d.person.birth_date) == 4 for d in drafts if d.document)


def test_people_are_varied_and_plausible(drafts):
    sexes = Counter(d.person.sex for d in drafts)
    assert sexes["M"] > 0.35 * N and sexes["F"] > 0.3 * N
    nationalities = Counter(d.person.nationality for d in drafts)
    assert nationalities.most_common(1)[0][0] == "NER"
    assert len(nationalities) >= 10
    assert all(is_valid_code(code) for code in nationalities)
    surnames = Counter(d.person.surname for d in drafts)
    assert len(surnames) > 100 and surnames.most_common(1)[0][1] < 0.05 * N

    def age(d):
        return END.year - int(d.person.birth_date[:4])

    ages = [age(d) for d in drafts]
    assert sum(a < 18 for a in ages) > 0.05 * N      # children
    assert sum(a >= 60 for a in ages) > 0.01 * N     # elderly
    for d in drafts:
        assert check_partial_date(d.person.birth_date) == d.person.birth_date
        assert d.person.birth_date[:4] <= str(END.year)


def test_crossings_in_daytime_over_the_weeks(drafts):
    times = [d.crossing.crossed_at for d in drafts]
    assert all(t.tzinfo is not None for t in times)
    assert max(times) <= END
    assert min(times) >= END - timedelta(weeks=6, days=1)
    assert len({t.date() for t in times}) >= 35
    local_hours = Counter((t + timedelta(hours=1)).hour for t in times)
    assert set(local_hours) <= set(range(5, 20))
    assert local_hours[9] > local_hours[6]
    assert {d.crossing.direction for d in drafts} == {Direction.ENTRY, Direction.EXIT}
    modes = Counter(d.crossing.transport_mode for d in drafts)
    assert {TransportMode.BUS, TransportMode.TRUCK, TransportMode.CAR, TransportMode.MOTORCYCLE,
            TransportMode.FOOT, TransportMode.ANIMAL} <= set(modes)
    assert modes.most_common(1)[0][0] is TransportMode.BUS
    assert len({d.crossing.reason for d in drafts}) >= 8
    foreign = {place for place, _country in FOREIGN_PLACES}
    for d in drafts:
        c = d.crossing
        if c.direction is Direction.ENTRY:
            assert c.origin in foreign and c.destination in NIGER_PLACES
        else:
            assert c.origin in NIGER_PLACES and c.destination in foreign


def test_families_travel_together(drafts):
    sizes = Counter(d.crossing.group_size for d in drafts)
    assert sizes[1] > 0.6 * N and sum(v for k, v in sizes.items() if k > 1) > 0.05 * N
    i = 0
    groups = 0
    while i < len(drafts):
        size = drafts[i].crossing.group_size
        members = drafts[i:i + size]
        if len(members) == size and size > 1:
            groups += 1
            first = members[0].crossing
            for m in members[1:]:
                assert m.crossing.group_size == size
                assert m.crossing.direction is first.direction
                assert m.crossing.transport_mode is first.transport_mode
                assert (m.crossing.origin, m.crossing.destination) == (first.origin, first.destination)
                assert abs(m.crossing.crossed_at - first.crossed_at) < timedelta(minutes=10)
        i += size
    assert groups > 20


def test_end_defaults_to_now_and_today_is_used_for_ages():
    now = datetime.now(timezone.utc)
    drafts = list(generate_travellers(200, seed=1))
    assert all(d.crossing.crossed_at <= now + timedelta(minutes=1) for d in drafts)
    for d in generate_travellers(200, seed=1, end=END, weeks=1, today=date(2026, 11, 28)):
        assert d.crossing.crossed_at >= END - timedelta(days=8)


def test_document_numbers_are_unique_within_a_run(drafts):
    numbers = [d.document.number for d in drafts if d.document]
    assert len(numbers) == len(set(numbers))
