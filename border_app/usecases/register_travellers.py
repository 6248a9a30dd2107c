"""Register travellers recorded elsewhere, from a file of one JSON object per line
(``border-app register --from FILE.jsonl``): a paper register typed up after an outage,
another tool's log.

All or nothing: every line is read and validated as the registration screen's drafts are
(:mod:`border_app.registration_lines`, then the service's validation); a bad line is
reported with its number and reason and nothing of the file is saved. Blank lines are
skipped. Reading is bounded (file size, line count, line length).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from db.services import RegistrationService

from .. import clock
from ..errors import InvalidInput, UserFacingError
from ..i18n import _
from ..model import Actor, Registration, RegistrationDraft
from ..registration_lines import MAX_FILE_BYTES, MAX_LINES, parse_line
from ..roles import Permission, require

#: at most this many line errors are reported (the rest are counted)
MAX_ERRORS = 100


@dataclass(frozen=True)
class LineError:
    line: int          # 1-based line number in the file
    reason: str        # translated

    def as_dict(self) -> dict:
        return {"line": self.line, "reason": self.reason}


@dataclass
class RegisterOutcome:
    registered: list[Registration] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    more_errors: int = 0            # errors found beyond MAX_ERRORS

    @property
    def saved(self) -> bool:
        return not self.errors


def read_lines(path: str | os.PathLike) -> list[tuple[int, str]]:
    """The file's non-blank lines with their numbers, read within the limits."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InvalidInput(_("{name}: no such file.").format(name=p.name)) from None
    except IsADirectoryError:
        raise InvalidInput(_("{name}: not a file.").format(name=p.name)) from None
    except OSError as exc:
        raise InvalidInput(_("{name}: the file cannot be read ({reason}).").format(
            name=p.name, reason=exc.strerror or type(exc).__name__)) from None
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(_("{name}: the file is too large.").format(name=p.name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(_("{name}: the file is not UTF-8 text.").format(name=p.name)) from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if len(lines) > MAX_LINES:
        raise InvalidInput(_("{name}: too many lines (at most {count}).").format(name=p.name, count=MAX_LINES))
    return lines


def register_travellers(db, actor: Actor, path: str | os.PathLike) -> RegisterOutcome:
    """Read, validate and register every traveller of the file at ``path``, or none."""
    require(actor.role, Permission.REGISTER_TRAVELLER)
    outcome = RegisterOutcome()
    now = clock.utcnow()
    drafts: list[tuple[int, RegistrationDraft]] = []
    for number, text in read_lines(path):
        try:
            drafts.append((number, parse_line(text, now=now)))
        except UserFacingError as exc:
            _add_error(outcome, number, exc.message)
    service = RegistrationService(db, actor)
    if outcome.errors:
        # still check the lines that parsed, so that one run lists every problem
        for number, draft in drafts:
            try:
                service.check(draft)
            except UserFacingError as exc:
                _add_error(outcome, number, exc.message)
        outcome.errors.sort(key=lambda e: e.line)
        return outcome
    try:
        outcome.registered = service.register_all([d for _n, d in drafts])
    except InvalidInput as exc:
        index = getattr(exc, "index", None)
        if index is None:
            raise
        _add_error(outcome, drafts[index][0], exc.message)
        for number, draft in drafts[index + 1:]:      # list the other bad lines too
            try:
                service.check(draft)
            except UserFacingError as other:
                _add_error(outcome, number, other.message)
    return outcome


def _add_error(outcome: RegisterOutcome, line: int, reason: str) -> None:
    if len(outcome.errors) < MAX_ERRORS:
        outcome.errors.append(LineError(line, reason))
    else:
        outcome.more_errors += 1
