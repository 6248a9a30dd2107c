"""One table of MRZ layouts and one check-digit function (issue #19, item 3).

The layouts of ``border_app.mrz.layouts`` must give exactly what the parser, the image
reader, input cleaning and the keyboard wedge each wrote out before (copied here as they
were at 82affb9), and those modules must take them from there rather than keep their own.
"""

from __future__ import annotations

import importlib

from border_app import mrz, wedge
from border_app.mrz import checkdigit, layouts

# the image reader's table at 82affb9 (border_app/ocr/decode.py FORMATS)
OLD_FORMATS = {
    "TD3": {
        "lines": ["AA" + "A" * 3 + "A" * 39,
                  "X" * 9 + "C" + "A" * 3 + "D" * 6 + "C" + "S" + "D" * 6 + "C" + "X" * 14 + "C" + "C"],
        "names": [(0, 5, 44)],
        "states": [(0, 2), (1, 10)],
        "numbers": [(1, 0, 9)],
        "checks": [([(1, 0, 9)], (1, 9)), ([(1, 13, 19)], (1, 19)), ([(1, 21, 27)], (1, 27)), ([(1, 28, 42)], (1, 42)),
                   ([(1, 0, 10), (1, 13, 20), (1, 21, 43)], (1, 43))],
    },
    "MRVA": {
        "lines": ["AA" + "A" * 3 + "A" * 39, "X" * 9 + "C" + "A" * 3 + "D" * 6 + "C" + "S" + "D" * 6 + "C" + "X" * 16],
        "names": [(0, 5, 44)],
        "states": [(0, 2), (1, 10)],
        "numbers": [(1, 0, 9)],
        "checks": [([(1, 0, 9)], (1, 9)), ([(1, 13, 19)], (1, 19)), ([(1, 21, 27)], (1, 27))],
    },
    "TD2": {
        "lines": ["AX" + "A" * 3 + "A" * 31,
                  "X" * 9 + "C" + "A" * 3 + "D" * 6 + "C" + "S" + "D" * 6 + "C" + "X" * 7 + "C"],
        "names": [(0, 5, 36)],
        "states": [(0, 2), (1, 10)],
        "numbers": [(1, 0, 9)],
        "checks": [([(1, 0, 9)], (1, 9)), ([(1, 13, 19)], (1, 19)), ([(1, 21, 27)], (1, 27)),
                   ([(1, 0, 10), (1, 13, 20), (1, 21, 35)], (1, 35))],
    },
    "MRVB": {
        "lines": ["AX" + "A" * 3 + "A" * 31, "X" * 9 + "C" + "A" * 3 + "D" * 6 + "C" + "S" + "D" * 6 + "C" + "X" * 8],
        "names": [(0, 5, 36)],
        "states": [(0, 2), (1, 10)],
        "numbers": [(1, 0, 9)],
        "checks": [([(1, 0, 9)], (1, 9)), ([(1, 13, 19)], (1, 19)), ([(1, 21, 27)], (1, 27))],
    },
    "TD1": {
        "lines": ["AX" + "A" * 3 + "X" * 9 + "C" + "X" * 15,
                  "D" * 6 + "C" + "S" + "D" * 6 + "C" + "A" * 3 + "X" * 11 + "C", "A" * 30],
        "names": [(2, 0, 30)],
        "states": [(0, 2), (1, 15)],
        "numbers": [(0, 5, 14)],
        "checks": [([(0, 5, 14)], (0, 14)), ([(1, 0, 6)], (1, 6)), ([(1, 8, 14)], (1, 14)),
                   ([(0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29)], (1, 29))],
    },
}
OLD_FIRST_LETTER = {"TD3": "P", "MRVA": "V", "MRVB": "V", "TD2": "ACIP", "TD1": "ACI"}

# the parser's table at 82affb9 (border_app/mrz/parser.py _TD3 ... _TD1), the fields that differ
OLD_PARSER = {
    "TD3": dict(lines=2, width=44, codes="P", name_span=(0, 5, 44), number=(1, 0, 9), number_cd=(1, 9),
                nationality=(1, 10, 13), birth=(1, 13, 19), birth_cd=(1, 19), sex=(1, 20), expiry=(1, 21, 27),
                expiry_cd=(1, 27), optional=(1, 28, 42), optional_cd=(1, 42), optional2=None,
                composite=((1, 0, 10), (1, 13, 20), (1, 21, 43)), composite_cd=(1, 43), long_number=False),
    "MRVA": dict(lines=2, width=44, codes="V", name_span=(0, 5, 44), number=(1, 0, 9), number_cd=(1, 9),
                 nationality=(1, 10, 13), birth=(1, 13, 19), birth_cd=(1, 19), sex=(1, 20), expiry=(1, 21, 27),
                 expiry_cd=(1, 27), optional=(1, 28, 44), optional_cd=None, optional2=None, composite=None,
                 composite_cd=None, long_number=False),
    "TD2": dict(lines=2, width=36, codes="ACI", name_span=(0, 5, 36), number=(1, 0, 9), number_cd=(1, 9),
                nationality=(1, 10, 13), birth=(1, 13, 19), birth_cd=(1, 19), sex=(1, 20), expiry=(1, 21, 27),
                expiry_cd=(1, 27), optional=(1, 28, 35), optional_cd=None, optional2=None,
                composite=((1, 0, 10), (1, 13, 20), (1, 21, 35)), composite_cd=(1, 35), long_number=True),
    "MRVB": dict(lines=2, width=36, codes="V", name_span=(0, 5, 36), number=(1, 0, 9), number_cd=(1, 9),
                 nationality=(1, 10, 13), birth=(1, 13, 19), birth_cd=(1, 19), sex=(1, 20), expiry=(1, 21, 27),
                 expiry_cd=(1, 27), optional=(1, 28, 36), optional_cd=None, optional2=None, composite=None,
                 composite_cd=None, long_number=False),
    "TD1": dict(lines=3, width=30, codes="ACI", name_span=(2, 0, 30), number=(0, 5, 14), number_cd=(0, 14),
                nationality=(1, 15, 18), birth=(1, 0, 6), birth_cd=(1, 6), sex=(1, 7), expiry=(1, 8, 14),
                expiry_cd=(1, 14), optional=(0, 15, 30), optional_cd=None, optional2=(1, 18, 29),
                composite=((0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29)), composite_cd=(1, 29),
                long_number=True),
}


def test_the_layouts_give_the_parsers_fields():
    assert layouts.LAYOUT_NAMES == ("TD1", "TD2", "TD3", "MRVA", "MRVB") == mrz.LAYOUT_NAMES
    for name, fields in OLD_PARSER.items():
        lay = layouts.LAYOUTS[name]
        assert {k: getattr(lay, k) for k in fields} == fields, name


def test_the_layouts_give_the_image_readers_kinds_and_check_groups():
    decode = importlib.import_module("border_app.ocr.decode")
    for name, old in OLD_FORMATS.items():
        lay = layouts.LAYOUTS[name]
        assert lay.kinds() == old["lines"], name
        assert lay.check_groups() == old["checks"], name
        assert lay.read_codes == OLD_FIRST_LETTER[name]
        assert decode.FORMATS[name] == old, name
    assert decode.FIRST_LETTER == OLD_FIRST_LETTER


def test_shapes_and_lengths():
    assert layouts.SHAPES == {(2, 44), (2, 36), (3, 30)}
    assert layouts.WIDTHS == {30: 3, 36: 2, 44: 2}
    assert layouts.LENGTHS == {"TD1": 30, "TD2": 36, "TD3": 44, "MRVA": 44, "MRVB": 36}
    assert layouts.layout_for(["V" + "<" * 35, "<" * 36]).name == "MRVB"
    assert layouts.layout_for(["I" + "<" * 35, "<" * 36]).name == "TD2"
    assert layouts.layout_for(["V" + "<" * 43, "<" * 44]).name == "MRVA"
    assert layouts.layout_for(["P" + "<" * 43, "<" * 44]).name == "TD3"
    assert layouts.layout_for(["I" + "<" * 29] * 3).name == "TD1"


def test_one_table_and_one_check_digit_everywhere():
    """The reader, input cleaning and the wedge take the layouts from border_app.mrz.layouts
    and there is one check-digit function: the image reader has none of its own."""
    decode = importlib.import_module("border_app.ocr.decode")
    reader = importlib.import_module("border_app.ocr.reader")
    normalise = importlib.import_module("border_app.mrz.normalise")
    assert not hasattr(decode, "check_digit") and not hasattr(decode, "_WEIGHTS")
    assert decode.digit_of is checkdigit.digit_of
    assert not hasattr(reader, "LENGTHS")  # (was a copy nothing read)
    assert not hasattr(reader, "timed_read")  # (dead code, issue #19 item 7)
    assert normalise._LINE_LENGTHS is layouts.WIDTHS
    assert wedge.SHAPES is layouts.SHAPES


def test_char_value():
    assert [checkdigit.char_value(c) for c in "<09AZ"] == [0, 0, 9, 10, 35]
    assert checkdigit.check_digit("AB2134<<<") == "5"


def test_name_room_and_format_names_for_the_demo_and_the_database():
    assert {n: lay.name_room for n, lay in layouts.LAYOUTS.items()} == {
        "TD1": 30, "TD2": 31, "TD3": 39, "MRVA": 39, "MRVB": 31}
    validation = importlib.import_module("db.validation")
    assert validation.MRZ_FORMATS is layouts.LAYOUT_NAMES
