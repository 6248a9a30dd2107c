"""The ICAO Doc 9303 MRZ layouts: one table for the parser, the builder and the image reader.

Each :class:`Layout` gives a format's line count and length, the first letters of its
document code, where each field lies and which check digit covers what. Spans are
``(line, start, end)`` and positions ``(line, offset)``, all 0-based, ``end`` excluded.

From the table are derived, for the image reader, each line's character kinds
(:meth:`Layout.kinds`) and the check-digit groups in the order they are repaired
(:meth:`Layout.check_groups`); for input cleaning and the keyboard wedge, the shapes
(:data:`SHAPES`) and line lengths (:data:`WIDTHS`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LAYOUTS", "LAYOUT_NAMES", "LENGTHS", "SHAPES", "WIDTHS", "Layout", "layout_for"]

Span = tuple[int, int, int]
Position = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Layout:
    """One MRZ format (Doc 9303 parts 4 to 7)."""

    name: str
    lines: int
    width: int
    codes: str  # first letters of the document code the format allows
    # first letters the image reader lets through: a TD2-sized passport (``P``) is read,
    # then the parser reports its document code
    read_codes: str
    code_kinds: str  # character kinds of the document code (``A`` letters, ``X`` any)
    name_span: Span
    number: Span
    number_cd: Position
    nationality: Span
    birth: Span
    birth_cd: Position
    sex: Position
    expiry: Span
    expiry_cd: Position
    optional: Span
    long_number: bool  # TD1/TD2: a number over 9 characters goes on in the optional data
    optional_cd: Position | None = None  # TD3: the personal number's check digit
    optional2: Span | None = None  # TD1: the optional data of line 2
    composite: tuple[Span, ...] | None = None
    composite_cd: Position | None = None

    @property
    def issuing(self) -> Span:
        return (0, 2, 5)

    @property
    def name_room(self) -> int:
        """Characters of the names field."""
        _line, start, end = self.name_span
        return end - start

    def check_groups(self) -> list[tuple[list[Span], Position]]:
        """(spans, check digit) of every check digit, in the order the reader repairs them:
        document number, birth date, expiry date, personal number, composite."""
        groups = [([self.number], self.number_cd), ([self.birth], self.birth_cd),
                  ([self.expiry], self.expiry_cd)]
        if self.optional_cd is not None:
            groups.append(([self.optional], self.optional_cd))
        if self.composite is not None and self.composite_cd is not None:
            groups.append((list(self.composite), self.composite_cd))
        return groups

    def kinds(self) -> list[str]:
        """Each line's character kinds: ``A`` letters and ``<``, ``D`` date digits or ``<``,
        ``C`` check digit (a digit or ``<``), ``S`` sex, ``X`` anything (document numbers
        and optional data are alphanumeric)."""
        out = [["X"] * self.width for _ in range(self.lines)]

        def fill(span: Span, kind: str) -> None:
            ln, a, b = span
            out[ln][a:b] = [kind] * (b - a)

        out[0][0:2] = list(self.code_kinds)
        fill(self.issuing, "A")
        fill(self.name_span, "A")
        fill(self.nationality, "A")
        fill(self.birth, "D")
        fill(self.expiry, "D")
        out[self.sex[0]][self.sex[1]] = "S"
        for _spans, (ln, pos) in self.check_groups():
            out[ln][pos] = "C"
        return ["".join(line) for line in out]


# TD3 (passports, 2x44), MRV-A (visas, 2x44), TD2 (2x36), MRV-B (visas, 2x36), TD1 (cards, 3x30)
_TD3 = Layout(name="TD3", lines=2, width=44, codes="P", read_codes="P", code_kinds="AA",
              name_span=(0, 5, 44), number=(1, 0, 9), number_cd=(1, 9), nationality=(1, 10, 13),
              birth=(1, 13, 19), birth_cd=(1, 19), sex=(1, 20), expiry=(1, 21, 27), expiry_cd=(1, 27),
              optional=(1, 28, 42), optional_cd=(1, 42), long_number=False,
              composite=((1, 0, 10), (1, 13, 20), (1, 21, 43)), composite_cd=(1, 43))
_MRVA = Layout(name="MRVA", lines=2, width=44, codes="V", read_codes="V", code_kinds="AA",
               name_span=(0, 5, 44), number=(1, 0, 9), number_cd=(1, 9), nationality=(1, 10, 13),
               birth=(1, 13, 19), birth_cd=(1, 19), sex=(1, 20), expiry=(1, 21, 27), expiry_cd=(1, 27),
               optional=(1, 28, 44), long_number=False)
_TD2 = Layout(name="TD2", lines=2, width=36, codes="ACI", read_codes="ACIP", code_kinds="AX",
              name_span=(0, 5, 36), number=(1, 0, 9), number_cd=(1, 9), nationality=(1, 10, 13),
              birth=(1, 13, 19), birth_cd=(1, 19), sex=(1, 20), expiry=(1, 21, 27), expiry_cd=(1, 27),
              optional=(1, 28, 35), long_number=True,
              composite=((1, 0, 10), (1, 13, 20), (1, 21, 35)), composite_cd=(1, 35))
_MRVB = Layout(name="MRVB", lines=2, width=36, codes="V", read_codes="V", code_kinds="AX",
               name_span=(0, 5, 36), number=(1, 0, 9), number_cd=(1, 9), nationality=(1, 10, 13),
               birth=(1, 13, 19), birth_cd=(1, 19), sex=(1, 20), expiry=(1, 21, 27), expiry_cd=(1, 27),
               optional=(1, 28, 36), long_number=False)
_TD1 = Layout(name="TD1", lines=3, width=30, codes="ACI", read_codes="ACI", code_kinds="AX",
              name_span=(2, 0, 30), number=(0, 5, 14), number_cd=(0, 14), nationality=(1, 15, 18),
              birth=(1, 0, 6), birth_cd=(1, 6), sex=(1, 7), expiry=(1, 8, 14), expiry_cd=(1, 14),
              optional=(0, 15, 30), optional2=(1, 18, 29), long_number=True,
              composite=((0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29)), composite_cd=(1, 29))

#: the layouts by name, in the order of :data:`LAYOUT_NAMES`
LAYOUTS: dict[str, Layout] = {lay.name: lay for lay in (_TD1, _TD2, _TD3, _MRVA, _MRVB)}
LAYOUT_NAMES = tuple(LAYOUTS)
#: line length of each format
LENGTHS = {name: lay.width for name, lay in LAYOUTS.items()}
#: line count of each line length (2x44, 2x36, 3x30)
WIDTHS = {lay.width: lay.lines for lay in LAYOUTS.values()}
#: (line count, line length) of the MRZ shapes
SHAPES = frozenset((lay.lines, lay.width) for lay in LAYOUTS.values())


def layout_for(lines: list[str]) -> Layout:
    """The layout of clean MRZ lines (one of the :data:`SHAPES`): by the line length, then
    a ``V`` first tells a visa from a passport or a TD2 card."""
    width = len(lines[0])
    if width == 30:
        return _TD1
    if width == 36:
        return _MRVB if lines[0][0] == "V" else _TD2
    return _MRVA if lines[0][0] == "V" else _TD3
