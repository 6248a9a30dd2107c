"""The ORM tables (SQLAlchemy 2, typed ``Mapped[...]``).

Every data row has a UUID string primary key, the ``post_id`` of the post that owns it and
a ``change_seq``: a per-post counter (table ``post_counters``) that only grows, bumped in
the same transaction as the write (see :mod:`db.changes`), never derived from the laptop's
clock. Incremental exports select ``change_seq > last exported``. Deletions leave a
tombstone; voiding a registration is a soft state. The audit log holds ids only, never
names or document numbers.

Changing a table means a new Alembic revision in ``db/migrations/versions``; the tests
compare ``create_all()`` with ``upgrade head`` on SQLite and PostgreSQL.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def search_key(*parts: str | None) -> str:
    return _search_key(" ".join(p for p in parts if p))


@lru_cache(maxsize=65536)  # names repeat a lot: bulk loads and lists gain from the cache
def _search_key(text: str) -> str:
    """Upper-case, accents stripped, punctuation to spaces; words framed by spaces so that
    ``LIKE '% WORD%'`` finds any word by its beginning, in any order."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if c.isalnum() else " " for c in text.upper())
    words = text.split()
    return (" " + " ".join(words) + " ") if words else ""


def normalise_number(number: str) -> str:
    """Document numbers are compared upper-case without spaces, dashes or MRZ fillers."""
    return "".join(c for c in number.upper() if c.isalnum())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[str]: JSON}


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    pcode: Mapped[str] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(3), default="NER")
    language: Mapped[str] = mapped_column(String(5), default="fr")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    #: True for the post this database belongs to (a coordination database holds many)
    local: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class PostCounter(Base):
    __tablename__ = "post_counters"

    post_id: Mapped[str] = mapped_column(String(36), ForeignKey("posts.id"), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("post_id", "username", name="uq_users_post_username"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    post_id: Mapped[str] = mapped_column(String(36), ForeignKey("posts.id"))
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    username: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Person(Base):
    """A person as identified by a document or, without one, as declared."""

    __tablename__ = "persons"
    __table_args__ = (
        Index("ix_persons_names", "surname", "given_names"),
        # the period report's columns by id (migration 0005): its join reads this index only
        Index("ix_persons_report", "id", "nationality", "sex", "birth_date"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    post_id: Mapped[str] = mapped_column(String(36), ForeignKey("posts.id"))
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    surname: Mapped[str] = mapped_column(String(200))
    given_names: Mapped[str] = mapped_column(String(200), default="")
    search_key: Mapped[str] = mapped_column(String(420), index=True)
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[str | None] = mapped_column(String(10))
    birth_date_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    nationality: Mapped[str | None] = mapped_column(String(3))
    identity_declared: Mapped[bool] = mapped_column(Boolean, default=False)
    photo_ref: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]


#: longest token kept in ``person_name_tokens`` (a name is at most 200 characters)
TOKEN_LENGTH = 200


def name_tokens(key: str | None) -> set[str]:
    """The words of a person's ``search_key`` (already upper-case, accents stripped, split on
    punctuation), each at most :data:`TOKEN_LENGTH` characters, without repeats."""
    return {w[:TOKEN_LENGTH] for w in (key or "").split()}


class PersonNameToken(Base):
    """The search index of names: one row per word of a person's ``search_key``.

    Derived data (no ``post_id`` or ``change_seq``, not exported): written with the person
    (``db.name_index.reindex_person``, the demo seeding), filled for existing persons by
    migration 0004. A word searched as a beginning ("MOUS" finds "MOUSSA") is an index range
    on ``token`` (``token >= 'MOUS' AND token < 'MOUT'``). On PostgreSQL the column compares
    byte by byte (collation "C") so that the range means "starts with" whatever the
    database's locale; SQLite compares bytes already."""

    __tablename__ = "person_name_tokens"
    __table_args__ = (Index("ix_person_name_tokens_token", "token", "person_id"),)

    person_id: Mapped[str] = mapped_column(String(36), ForeignKey("persons.id"), primary_key=True)
    token: Mapped[str] = mapped_column(
        String(TOKEN_LENGTH).with_variant(String(TOKEN_LENGTH, collation="C"), "postgresql"), primary_key=True)


class IdentityDocument(Base):
    __tablename__ = "identity_documents"
    __table_args__ = (
        Index("ix_identity_documents_number_state", "number", "issuing_state"),
        Index("ix_identity_documents_number", "number"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    post_id: Mapped[str] = mapped_column(String(36), ForeignKey("posts.id"))
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    person_id: Mapped[str] = mapped_column(String(36), ForeignKey("persons.id"), index=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    document_code: Mapped[str | None] = mapped_column(String(2))
    number: Mapped[str] = mapped_column(String(40))
    issuing_state: Mapped[str | None] = mapped_column(String(3))
    expiry_date: Mapped[date | None] = mapped_column(Date)
    mrz_raw: Mapped[str | None] = mapped_column(String(140))
    mrz_format: Mapped[str | None] = mapped_column(String(8))
    mrz_valid: Mapped[bool | None] = mapped_column(Boolean)
    image_refs: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]


class Crossing(Base):
    __tablename__ = "crossings"
    __table_args__ = (
        # a period report reads a post's days from this index alone (migration 0005)
        Index("ix_crossings_report", "crossed_at", "post_id", "voided", "direction", "person_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    post_id: Mapped[str] = mapped_column(String(36), ForeignKey("posts.id"))
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    person_id: Mapped[str] = mapped_column(String(36), ForeignKey("persons.id"))  # ix_crossings_person_time
    document_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("identity_documents.id"), index=True)
    direction: Mapped[str] = mapped_column(String(8))
    crossed_at: Mapped[datetime] = mapped_column()  # ix_crossings_time_person
    transport_mode: Mapped[str | None] = mapped_column(String(16))
    origin: Mapped[str | None] = mapped_column(String(200))
    destination: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(16))
    group_size: Mapped[int] = mapped_column(Integer, default=1)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"))
    recorded_at: Mapped[datetime]
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_by: Mapped[str | None] = mapped_column(String(36), ForeignKey("users.id"))
    voided_at: Mapped[datetime | None]
    # the official confirmed saving a document whose check digits fail / that had expired
    confirmed_invalid: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    confirmed_expired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


# The search's two readings of the crossings (issue #18, defect 18; migration 0004): a person's
# crossings by time, and every crossing newest first with its person. Both carry the order
# (crossed_at, change_seq) and the post, so the search reads no table row to choose the
# crossings; they replace the single-column indexes on person_id and crossed_at (their prefixes).
Index("ix_crossings_person_time", Crossing.person_id, Crossing.crossed_at, Crossing.change_seq, Crossing.post_id)
Index("ix_crossings_time_person", Crossing.crossed_at, Crossing.change_seq, Crossing.person_id, Crossing.post_id)


class AuditLog(Base):
    """Who did what to which record: ids and action names only, no personal data."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_post_seq", "post_id", "seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    post_id: Mapped[str] = mapped_column(String(36), ForeignKey("posts.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime]
    user_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(36))


class Tombstone(Base):
    """A deleted row: exports carry it so that copies elsewhere delete it too."""

    __tablename__ = "tombstones"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    post_id: Mapped[str] = mapped_column(String(36), ForeignKey("posts.id"))
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36))
    deleted_at: Mapped[datetime]
    deleted_by: Mapped[str | None] = mapped_column(String(36))


class Screening(Base):
    """A health screening of a crossing. ``answers``, ``temperature_c``, ``fired``,
    ``actions`` and the referral are health data: only roles with
    ``VIEW_SCREENING_DETAILS`` read them (``db.screening_services``); the audit log gets ids."""

    __tablename__ = "screenings"
    __table_args__ = (
        Index("ix_screenings_crossing_at", "crossing_id", "screened_at"),
        # a crossing's latest not-voided outcome, read from this index alone (migration 0005)
        Index("ix_screenings_latest", "crossing_id", "voided", "screened_at", "change_seq", "outcome"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    post_id: Mapped[str] = mapped_column(String(36), ForeignKey("posts.id"))
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    person_id: Mapped[str] = mapped_column(String(36), ForeignKey("persons.id"), index=True)
    crossing_id: Mapped[str] = mapped_column(String(36), ForeignKey("crossings.id"))
    screened_at: Mapped[datetime]
    screened_by: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"))
    protocol_versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    temperature_c: Mapped[float | None]
    temperature_method: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    fired: Mapped[list[Any]] = mapped_column(JSON, default=list)
    actions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    referral_destination: Mapped[str | None] = mapped_column(String(200))
    referral_notes: Mapped[str | None] = mapped_column(Text)
    certificate: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    void_reason: Mapped[str | None] = mapped_column(Text)


class SlipCounter(Base):
    """Per-post, per-year serial counter of printed slips (a value is never reused)."""

    __tablename__ = "slip_counters"

    post_id: Mapped[str] = mapped_column(String(36), ForeignKey("posts.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Slip(Base):
    """One printed attestation slip: the first issue, or a duplicate (reprint) of it."""

    __tablename__ = "slips"
    # a serial is unique per post; its reprints share it with copy numbers 1, 2, ...
    __table_args__ = (UniqueConstraint("post_id", "serial", "copy_no", name="uq_slips_post_serial_copy"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    post_id: Mapped[str] = mapped_column(String(36), ForeignKey("posts.id"))
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    serial: Mapped[str] = mapped_column(String(40))
    crossing_id: Mapped[str] = mapped_column(String(36), ForeignKey("crossings.id"), index=True)
    screening_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("screenings.id"))
    kind: Mapped[str] = mapped_column(String(16))
    size: Mapped[str] = mapped_column(String(8))
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"))
    duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    original_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("slips.id"))
    copy_no: Mapped[int] = mapped_column(Integer, default=0)   # 0: the original issue


#: tables whose rows carry ``change_seq`` (exported incrementally)
CHANGE_TRACKED = (User, Person, IdentityDocument, Crossing, Tombstone, Screening, Slip)


class BundleExport(Base):
    """One bundle this post wrote for the coordination (``border-app export``, the export
    screen): the next incremental export starts after the newest ``to_seq``. Not
    change-tracked and never exported itself."""

    __tablename__ = "bundle_exports"
    __table_args__ = (Index("ix_bundle_exports_post_to_seq", "post_id", "to_seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    post_id: Mapped[str] = mapped_column(String(36), ForeignKey("posts.id"))
    from_seq: Mapped[int] = mapped_column(BigInteger)
    to_seq: Mapped[int] = mapped_column(BigInteger)
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    file_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(36), ForeignKey("users.id"))
