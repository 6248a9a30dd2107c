"""The name search index (table ``person_name_tokens``): kept equal to the words of each
person's ``search_key``.

Whoever writes a person's names calls :func:`reindex_person` in the same transaction (the
registration service) or inserts :func:`token_rows` beside the person (the demo seeding's
bulk load). Migration 0004 fills it for the persons stored before it existed.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from .models import PersonNameToken, name_tokens


def token_rows(person_id: str, key: str | None) -> list[dict]:
    """The index rows of one person (for bulk inserts)."""
    return [{"person_id": person_id, "token": t} for t in sorted(name_tokens(key))]


def reindex_person(s: Session, person_id: str, key: str | None) -> None:
    """Make the person's index rows the words of ``key`` (their ``search_key``); writes
    only what changed. The person row must already be flushed."""
    wanted = name_tokens(key)
    have = set(s.scalars(select(PersonNameToken.token).where(PersonNameToken.person_id == person_id)))
    gone, new = have - wanted, wanted - have
    if gone:
        s.execute(delete(PersonNameToken).where(PersonNameToken.person_id == person_id,
                                                PersonNameToken.token.in_(sorted(gone))))
    if new:
        s.execute(insert(PersonNameToken), [{"person_id": person_id, "token": t} for t in sorted(new)])
