"""The coordination database's tables as SQLAlchemy Core tables, for the queries of
:mod:`db.coordination.posts`, :mod:`db.coordination.status` and the coordinator screen.
The DDL itself (partitioning, roles, GRANTs) is in the migrations
(``db/coordination/migrations/versions``); this module describes the same columns.

Data tables hold the bundles' whitelisted fields (``border_app.bundles.WHITELIST``) plus
``post_id`` (the laptop that exported the row, from the signed manifest) and ``change_seq``
(that laptop's change counter: the newer row wins).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Float, Integer, LargeBinary, MetaData, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()


def _ts(name: str, **kw) -> Column:
    return Column(name, DateTime(timezone=True), **kw)


database_info = Table("database_info", metadata, Column("singleton", Boolean, primary_key=True),
                      Column("demo", Boolean, nullable=False), _ts("created_at"))

posts = Table(
    "posts", metadata,
    Column("post_id", Text, primary_key=True), Column("name", Text), Column("pcode", Text),
    Column("signing_key_id", Text), Column("public_keys", JSONB), Column("demo", Boolean),
    _ts("revoked_at"), _ts("registered_at"), _ts("updated_at"), Column("last_seq", BigInteger),
    _ts("last_import_at"), Column("last_bundle", Text), _ts("last_created_at"),
    Column("clock_skew_s", Float), _ts("newest_record_at"),
)

post_keys = Table(
    "post_keys", metadata,
    Column("key_id", Text, primary_key=True), Column("post_id", Text), Column("purpose", Text),
    Column("public_key", LargeBinary), Column("status", Text), _ts("added_at"),
)

imports = Table(
    "imports", metadata,
    Column("id", BigInteger, primary_key=True), _ts("at"), Column("bundle", Text), Column("sha256", Text),
    Column("status", Text), Column("reason_code", Text), Column("post_id", Text), Column("from_seq", BigInteger),
    Column("to_seq", BigInteger), Column("full", Boolean), Column("counts", JSONB), Column("rows_changed", BigInteger),
    _ts("created_at"), Column("clock_skew_s", Float), Column("duration_ms", Integer),
)

received_ranges = Table(
    "received_ranges", metadata,
    Column("post_id", Text, primary_key=True), Column("from_seq", BigInteger, primary_key=True),
    Column("to_seq", BigInteger, primary_key=True), Column("import_id", BigInteger, primary_key=True),
)

crossings = Table(
    "crossings", metadata,
    Column("id", Text, primary_key=True), Column("post_id", Text), Column("change_seq", BigInteger),
    Column("person_id", Text), Column("document_id", Text), Column("direction", Text),
    _ts("crossed_at", primary_key=True), Column("transport_mode", Text), Column("origin", Text),
    Column("destination", Text), Column("reason", Text), Column("group_size", Integer), _ts("recorded_at"),
    Column("voided", Boolean), Column("void_reason", Text), Column("confirmed_invalid", Boolean),
    Column("confirmed_expired", Boolean),
)

#: entity of a bundle -> table holding it (the column names are the whitelist's)
ENTITY_TABLES = {
    "persons": "persons", "documents": "documents", "crossings": "crossings", "screenings": "screenings",
    "health": "health", "slips": "slips", "tombstones": "tombstones", "audit": "audit",
}
#: tables whose rows the import writes (for checksums in tests and for status counts)
DATA_TABLES = tuple(ENTITY_TABLES.values()) + ("crossing_versions",)
ALL_TABLES = ("database_info", "posts", "post_keys", "imports", "received_ranges") + DATA_TABLES

__all__ = ["ALL_TABLES", "DATA_TABLES", "ENTITY_TABLES", "crossings", "database_info", "imports", "metadata",
           "post_keys", "posts", "received_ranges"]
