"""The name search index (table ``person_name_tokens``): kept equal to the words of each
person's ``search_key``.

Whoever writes a person's names calls :func:`reindex_person` in the same transaction (the
registration service) or inserts :func:`token_rows` beside the person (the demo seeding's
bulk load). Migration 0004 fills it for the persons stored before it existed.
"""

from __future__ import annotations

from sqlalchemy import bindparam, delete, insert, select, text
from sqlalchemy.orm import Session

from .models import Crossing, PersonNameToken, name_tokens


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


# --------------------------------------------------------------------------- search plans
# ``RegistrationService.search`` asks for the newest crossings (at most ``limit``) of the
# persons whose name has a word beginning with each query word, or whose document number
# begins with the query. How much a plan reads depends on how many persons match (N) out of
# the crossings stored (C): reading each matching person's crossings costs N index look-ups;
# walking every crossing newest first until ``limit`` of them match costs about limit*C/N
# steps. A count of the index rows in the word's range, capped at SEARCH_MANY + 1 (a
# millisecond), picks:
#
# * N <= SEARCH_FEW: each person's crossings (ix_crossings_person_time), the few kept sorted;
# * N <= SEARCH_MANY: the newest crossings first (ix_crossings_time_person), each person id
#   looked up in the set of matching persons (built once, N entries);
# * more: the newest crossings first, each person's words looked up by key (no set to build).
#
# A name of several words: if its rarest word has at most SEARCH_MANY rows, that word's persons
# are each checked for the other words by key, taken up to SEARCH_FEW + 1; if they are that few,
# their ids are passed to the first plan; otherwise a walk, as for one word of that count.
# Both indexes hold (crossed_at, change_seq, person_id, post_id): the walk and the sort read
# no table row. SQLite is told the index (``INDEXED BY``); PostgreSQL plans by its statistics.

SEARCH_FEW = 3000
SEARCH_MANY = 35000
NUMBER_FEW = 5000  # documents: each one's crossings (ix_crossings_document_id); more: the walk

_BY_PERSON = "ix_crossings_person_time"
_BY_TIME = "ix_crossings_time_person"
_BY_DOCUMENT = "ix_crossings_document_id"


class _Sql:
    """Text SQL with numbered parameters (the plans need index hints SQLAlchemy cannot write)."""

    def __init__(self, dialect: str):
        self.sqlite = dialect == "sqlite"
        self.params: dict = {}

    def param(self, value) -> str:
        name = "p{}".format(len(self.params))
        self.params[name] = value
        return ":" + name

    def hint(self, index: str) -> str:
        return " INDEXED BY {}".format(index) if self.sqlite else ""

    def token_range(self, alias: str, word: str) -> str:
        upper = _next_prefix(word)
        cond = "{a}.token >= {lo}".format(a=alias, lo=self.param(word))
        return cond if upper is None else cond + " AND {a}.token < {hi}".format(a=alias, hi=self.param(upper))

    def words_of(self, person: str, words: list[str], first: int = 0) -> str:
        """The person (a column) has a word beginning with each of ``words``: a key look-up each."""
        return "".join(" AND EXISTS (SELECT 1 FROM person_name_tokens t{i} WHERE t{i}.person_id = {p} AND {r})"
                       .format(i=first + i, p=person, r=self.token_range("t{}".format(first + i), w))
                       for i, w in enumerate(words))


def _next_prefix(prefix: str) -> str | None:
    """The smallest string after every string that starts with ``prefix`` (None: no such bound)."""
    last = ord(prefix[-1]) + 1
    if last > 0x10FFFF or 0xD800 <= last <= 0xDFFF:
        return None
    return prefix[:-1] + chr(last)


def _capped_count(s: Session, table: str, column: str, prefix: str, cap: int) -> int:
    q = _Sql(s.get_bind().dialect.name)
    upper = _next_prefix(prefix)
    cond = "{c} >= {lo}".format(c=column, lo=q.param(prefix))
    if upper is not None:
        cond += " AND {c} < {hi}".format(c=column, hi=q.param(upper))
    sql = "SELECT count(*) FROM (SELECT 1 FROM {t} WHERE {cond} LIMIT {cap}) AS x".format(
        t=table, cond=cond, cap=int(cap))
    return int(s.execute(text(sql), q.params).scalar_one())


def _newest(s: Session, q: _Sql, index: str, where: str, post_id: str | None, limit: int) -> list[tuple]:
    """(crossed_at, change_seq, id) of the newest crossings meeting ``where``, read through ``index``."""
    if post_id is not None:
        where += " AND c.post_id = {}".format(q.param(post_id))
    sql = ("SELECT c.crossed_at, c.change_seq, c.id FROM crossings AS c{hint} WHERE {where} "
           "ORDER BY c.crossed_at DESC, c.change_seq DESC LIMIT {limit}").format(
        hint=q.hint(index), where=where, limit=int(limit))
    stmt = text(sql).columns(Crossing.crossed_at, Crossing.change_seq, Crossing.id)
    if any(isinstance(v, list) for v in q.params.values()):
        stmt = stmt.bindparams(*[bindparam(k, expanding=True) for k, v in q.params.items() if isinstance(v, list)])
    return [tuple(row) for row in s.execute(stmt, q.params)]


def name_hits(s: Session, words: list[str], post_id: str | None, limit: int) -> list[tuple]:
    """The newest crossings (at most ``limit``) of the persons whose name has a word beginning
    with each of ``words``: (crossed_at, change_seq, id), newest first."""
    dialect = s.get_bind().dialect.name
    counts = {w: _capped_count(s, "person_name_tokens", "token", w, SEARCH_MANY + 1) for w in words}
    if min(counts.values()) == 0:
        return []
    ordered = sorted(words, key=lambda w: (counts[w], -len(w), w))  # the rarest word first
    pivot, others = ordered[0], ordered[1:]
    n = counts[pivot]
    if others and n <= SEARCH_MANY:
        q = _Sql(dialect)
        sql = "SELECT t.person_id FROM person_name_tokens t WHERE {r}{more} LIMIT {cap}".format(
            r=q.token_range("t", pivot), more=q.words_of("t.person_id", others), cap=SEARCH_FEW + 1)
        persons = set(s.execute(text(sql), q.params).scalars())
        if not persons:
            return []
        if len(persons) <= SEARCH_FEW:
            q = _Sql(dialect)
            return _newest(s, q, _BY_PERSON, "c.person_id IN {}".format(q.param(sorted(persons))), post_id, limit)
        # more than SEARCH_FEW persons: a walk, with the set (the rarest word is not too common)
    q = _Sql(dialect)
    if n <= SEARCH_MANY:
        persons_sql = "SELECT t.person_id FROM person_name_tokens t WHERE {r}{more}".format(
            r=q.token_range("t", pivot), more=q.words_of("t.person_id", others, first=1))
        index = _BY_PERSON if n <= SEARCH_FEW and not others else _BY_TIME
        return _newest(s, q, index, "c.person_id IN ({})".format(persons_sql), post_id, limit)
    return _newest(s, q, _BY_TIME, "1 = 1" + q.words_of("c.person_id", ordered), post_id, limit)


def number_hits(s: Session, number: str, post_id: str | None, limit: int) -> list[tuple]:
    """The newest crossings (at most ``limit``) with a document whose number begins with ``number``."""
    n = _capped_count(s, "identity_documents", "number", number, NUMBER_FEW + 1)
    if n == 0:
        return []
    q = _Sql(s.get_bind().dialect.name)
    upper = _next_prefix(number)
    docs = "SELECT d.id FROM identity_documents d WHERE d.number >= {}".format(q.param(number))
    if upper is not None:
        docs += " AND d.number < {}".format(q.param(upper))
    return _newest(s, q, _BY_DOCUMENT if n <= NUMBER_FEW else _BY_TIME,
                   "c.document_id IN ({})".format(docs), post_id, limit)
