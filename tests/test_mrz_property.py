"""Property tests: every MRZ the builders make parses back to the same fields."""

from __future__ import annotations

import string
from datetime import date, timedelta
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from border_app import mrz
from border_app.countries import CODES
from border_app.mrz import parser as mrz_parser
from border_app.mrz.build import format_name

TODAY = date(2026, 11, 29)
ALNUM = string.ascii_uppercase + string.digits
CONFUSABLE = "0O1I5S8B2Z6G"

component = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=14)
names = st.lists(component, min_size=1, max_size=4).map(" ".join)
given_names = st.one_of(st.just(""), names)
codes = st.sampled_from(sorted(CODES))
sexes = st.sampled_from(["M", "F", "X", None])


@st.composite
def birth_dates(draw):
    day = draw(st.dates(min_value=TODAY - timedelta(days=365 * 99), max_value=TODAY))
    kind = draw(st.sampled_from(["full", "full", "year", "month", "unknown"]))
    if kind == "full":
        return day.isoformat(), day.isoformat()
    if kind == "year":
        return str(day.year), str(day.year)
    if kind == "month":
        return day.isoformat()[:7], day.isoformat()[:7]
    return None, None


expiry_dates = st.dates(min_value=date(TODAY.year - 80, 1, 1), max_value=date(TODAY.year + 19, 12, 31))
WIDTH = {"TD1": 30, "TD2": 31, "TD3": 39, "MRVA": 39, "MRVB": 31}


@st.composite
def documents(draw):
    fmt = draw(st.sampled_from(["TD1", "TD2", "TD3", "MRVA", "MRVB"]))
    max_number = {"TD1": 22, "TD2": 14, "TD3": 9, "MRVA": 9, "MRVB": 9}[fmt]
    number = draw(st.text(alphabet=ALNUM, min_size=1, max_size=max_number))
    birth, expected_birth = draw(birth_dates())
    fields = dict(surname=draw(names), given_names=draw(given_names), document_number=number,
                  issuing_state=draw(codes), nationality=draw(codes), birth_date=birth,
                  sex=draw(sexes), expiry_date=draw(expiry_dates))
    room = {"TD1": 15, "TD2": 7, "TD3": 14, "MRVA": 16, "MRVB": 8}[fmt]
    if len(number) > 9:
        room -= len(number) - 9 + 2
    optional = draw(st.text(alphabet=ALNUM, max_size=max(room, 0)))
    fields["optional_data"] = optional
    if fmt == "TD1":
        fields["optional_data_2"] = draw(st.text(alphabet=ALNUM, max_size=11))
    if fmt in ("TD1", "TD2"):
        fields["document_code"] = draw(st.sampled_from(["I", "ID", "IP", "A", "AC", "C", "CR"]))
    elif fmt == "TD3":
        fields["document_code"] = draw(st.sampled_from(["P", "PP", "PD", "PO", "PR", "PL"]))
    return fmt, fields, expected_birth


def _expected_names(fields, width):
    field, truncated = format_name(fields["surname"], fields["given_names"], width)
    primary, _sep, secondary = field.rstrip("<").partition("<<")
    return (" ".join(p for p in primary.split("<") if p), " ".join(p for p in secondary.split("<") if p),
            truncated)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_build_then_parse_round_trips(doc):
    fmt, fields, expected_birth = doc
    lines = mrz.build(fmt, **fields)
    assert [len(x) for x in lines] == {"TD1": [30] * 3, "TD2": [36] * 2, "TD3": [44] * 2,
                                       "MRVA": [44] * 2, "MRVB": [36] * 2}[fmt]
    result = mrz.parse("\n".join(lines), today=TODAY)
    assert result.valid, (lines, result.errors)
    assert result.format == fmt
    assert result.corrections == []
    assert all(result.checks.values())
    assert result.document_number == fields["document_number"]
    assert result.issuing_state == fields["issuing_state"]
    assert result.nationality == fields["nationality"]
    assert result.birth_date == expected_birth
    assert result.sex == fields["sex"]
    assert result.expiry_date == fields["expiry_date"].isoformat()
    assert result.expired == (fields["expiry_date"] < TODAY)
    assert result.optional_data == fields["optional_data"]
    if fmt == "TD1":
        assert result.optional_data_2 == fields["optional_data_2"]
    surname, given, truncated = _expected_names(fields, WIDTH[fmt])
    assert (result.surname, result.given_names) == (surname, given)
    if not truncated:
        assert result.surname == fields["surname"] and result.given_names == fields["given_names"]
    # a full field ending in a letter may have been truncated: always flagged
    assert result.possibly_truncated == (lines[2 if fmt == "TD1" else 0][-1] != "<")
    assert result.possibly_truncated or not truncated
    # the slow (fully checked) path agrees with the fast path
    with mock.patch.object(mrz_parser, "_fast", lambda *args: None):
        slow = mrz.parse(lines, today=TODAY, correct=False)
    assert slow.to_json() == result.to_json()


@settings(max_examples=300, deadline=None)
@given(documents(), st.data())
def test_one_changed_check_digit_is_always_caught(doc, data):
    fmt, fields, _birth = doc
    lines = mrz.build(fmt, **fields)
    result = mrz.parse(lines, today=TODAY)
    # choose a check digit position of line 2 (TD1: line 2 holds dates and composite)
    positions = {"TD1": [6, 14, 29], "TD2": [19, 27, 35], "TD3": [19, 27, 43],
                 "MRVA": [19, 27], "MRVB": [19, 27]}[fmt]
    pos = data.draw(st.sampled_from(positions))
    old = lines[1][pos]
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != old]))
    damaged = [lines[0], lines[1][:pos] + new + lines[1][pos + 1:], *lines[2:]]
    bad = mrz.parse(damaged, today=TODAY)
    assert result.valid and not bad.valid
    assert any(p.line == 2 for p in bad.problems)


@settings(max_examples=300, deadline=None)
@given(documents(), st.data())
def test_corrections_only_ever_restore_the_original(doc, data):
    """Swap one look-alike in the document number: either the parser restores exactly the
    original, or it corrects nothing and reports the failing check digit. (G and 6 differ
    by 10 in value: no check digit can see that swap, so it is left out.)"""
    fmt, fields, _birth = doc
    number = fields["document_number"]
    spots = [i for i, c in enumerate(number[:9]) if c in CONFUSABLE and c not in "6G"]
    if not spots:
        return
    i = data.draw(st.sampled_from(spots))
    swap = (dict(zip(CONFUSABLE[::2], CONFUSABLE[1::2], strict=True))
            | dict(zip(CONFUSABLE[1::2], CONFUSABLE[::2], strict=True)))
    lines = mrz.build(fmt, **fields)
    line = 0 if fmt == "TD1" else 1
    start = 5 if fmt == "TD1" else 0
    damaged = list(lines)
    damaged[line] = lines[line][:start + i] + swap[number[i]] + lines[line][start + i + 1:]
    result = mrz.parse(damaged, today=TODAY)
    if result.corrections:
        assert result.valid
        assert result.lines == lines
        assert result.document_number == number
    else:
        assert not result.valid and result.checks["document_number"] is False


@st.composite
def wedge_noise(draw, lines):
    """What keyboard-wedge readers and people do to MRZ lines on the way in."""
    sep = draw(st.sampled_from(["\n", "\r\n", "\r", "", "\t", "\x1e"]))
    prefix = draw(st.sampled_from(["", "\x02", "]C1", "]Q3", "\x02]C0", " ", "\ufeff", "MRZ: "]))
    suffix = draw(st.sampled_from(["", "\r", "\n", "\r\n", "\x03", "\r\n\x03", " ", "\x04"]))
    out = []
    for line in lines:
        if draw(st.booleans()):
            line = line.lower()
        cut = draw(st.integers(0, len(line)))
        if draw(st.booleans()):
            line = line[:cut] + draw(st.sampled_from([" ", "\t", "  "])) + line[cut:]
        if draw(st.booleans()):
            line = line.replace("<<<", "«««")
        out.append(line)
    return prefix + sep.join(out) + suffix


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.data())
def test_wedge_noise_is_removed(doc, data):
    fmt, fields, _birth = doc
    lines = mrz.build(fmt, **fields)
    raw = data.draw(wedge_noise(lines))
    assert mrz.normalise(raw) == lines
    assert mrz.parse(raw, today=TODAY).valid
