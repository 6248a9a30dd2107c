"""The search terms of a query (name words as ``search_key`` spells them, a document number)
and the conditions that test them: prefix ranges an index can walk, and the name test for
rows already chosen (a day's list). Choosing crossings across every day is
``db.name_index``'s (``name_hits``, ``number_hits``)."""

from __future__ import annotations

from sqlalchemy import and_, exists

from border_app.errors import InvalidInput
from border_app.i18n import _

from .models import TOKEN_LENGTH, Person, PersonNameToken, normalise_number, search_key

MAX_QUERY = 200


def next_prefix(prefix: str) -> str | None:
    """The smallest string after every string that starts with ``prefix`` (None: no such bound)."""
    last = ord(prefix[-1]) + 1
    if last > 0x10FFFF or 0xD800 <= last <= 0xDFFF:
        return None
    return prefix[:-1] + chr(last)


def prefix_range(column, prefix: str):
    """``column`` starts with ``prefix`` (alphanumeric, upper-case), as an index range
    (byte order: SQLite's, and PostgreSQL's "C" collation)."""
    upper = next_prefix(prefix)
    if upper is None:
        return column >= prefix  # never met: the prefix would end with the last code point
    return and_(column >= prefix, column < upper)


def query_terms(query: str) -> tuple[list[str], str]:
    """The name words (as ``search_key`` spells them) and the document number of a query."""
    if not isinstance(query, str):
        raise InvalidInput(_("The search text is not valid."))
    if len(query) > MAX_QUERY:
        raise InvalidInput(_("The search text is too long (at most {count} characters).").format(count=MAX_QUERY))
    words = sorted(set(search_key(query).split()[:8]), key=lambda w: (-len(w), w))
    return [w[:TOKEN_LENGTH] for w in words], normalise_number(query)


def token_range(word: str):
    return prefix_range(PersonNameToken.token, word)


def name_condition(words: list[str]):
    """The same test for the person of each row already chosen (a day's list): one
    primary-key range per word and row."""
    return and_(*[exists().where(PersonNameToken.person_id == Person.id, token_range(w)) for w in words])
