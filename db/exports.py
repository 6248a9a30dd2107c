"""The post's side of bundle exports (issue #20): what is still unexported, the records of
one export read in ONE consistent snapshot, and the table of exports written
(``bundle_exports``). The bundle itself is made by :mod:`border_app.bundles`; the use case
:mod:`border_app.usecases.export_bundle` ties them together.

Ranges: the per-post change counter (``post_counters``) numbers every data row's
``change_seq`` and every audit entry's ``seq``. An export covers
``from_seq < change_seq <= to_seq`` where ``to_seq`` is the counter's value in the
snapshot and ``from_seq`` the newest exported ``to_seq`` (0 for ``--full``). Audit entries
travel too, but alone they do not make an export necessary.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterator

from sqlalchemy import func, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from border_app import clock
from border_app import model as dm
from border_app.bundles import COUNT_KEYS, WHITELIST
from border_app.model import new_id
from border_app.roles import Permission, require

from . import Database
from .models import (AuditLog, BundleExport, Crossing, IdentityDocument, Person, Post, PostCounter, Screening, Slip,
                     Tombstone)

#: an exported table: each has the owning post's ``post_id`` and the ``change_seq``
DataTable = type[Person] | type[IdentityDocument] | type[Crossing] | type[Screening] | type[Slip] | type[Tombstone]

#: entity -> (table, its column holding the record's time, for "oldest unexported")
DATA_TABLES: dict[str, tuple[DataTable, InstrumentedAttribute[datetime]]] = {
    "persons": (Person, Person.created_at),
    "documents": (IdentityDocument, IdentityDocument.created_at),
    "crossings": (Crossing, Crossing.recorded_at),
    "screenings": (Screening, Screening.screened_at),
    "slips": (Slip, Slip.issued_at),
    "tombstones": (Tombstone, Tombstone.deleted_at),
}


def local_post(db: Database) -> dm.Post | None:
    """This database's own post (name, P-code, demo), or None before set-up."""
    with db.session() as s:
        p = s.scalars(select(Post).where(Post.local.is_(True)).limit(1)).first()
        if p is None:
            return None
        return dm.Post(id=p.id, name=p.name, pcode=p.pcode, country=p.country, language=p.language, demo=p.demo)


def audit_key_event(db: Database, actor: dm.Actor, action: str) -> None:
    """An audit entry for a change of the keys (e.g. ``pin_coordination``): ids only."""
    with db.session(write=True) as s:
        s.add(AuditLog(id=new_id(), post_id=actor.post_id, seq=0, at=clock.utcnow(), user_id=actor.user_id,
                       action=action, entity="keys", entity_id=None))


@dataclass
class Pending:
    """What the next incremental export would carry."""
    post: dm.Post
    from_seq: int                      # the newest exported counter (0: never exported)
    to_seq: int                        # the counter now
    counts: dict[str, int]             # COUNT_KEYS
    oldest: datetime | None            # the oldest unexported record's time
    last_export_at: datetime | None
    last_export_file: str | None

    @property
    def data_records(self) -> int:
        return sum(v for k, v in self.counts.items() if k != "audit")


@dataclass
class Snapshot:
    post: dm.Post
    schema_version: str
    from_seq: int
    to_seq: int
    full: bool
    data_records: int
    audit_head: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)      # entity -> iterable of mappings (valid inside the session)


class ExportService:
    def __init__(self, db: Database, actor: dm.Actor):
        require(actor.role, Permission.EXPORT_BUNDLE)
        self.db = db
        self.actor = actor

    # ------------------------------------------------------------------ reading
    def _post(self, s: Session) -> dm.Post:
        p = s.scalars(select(Post).where(Post.local.is_(True)).limit(1)).first()
        if p is None or p.id != self.actor.post_id:
            p = s.get(Post, self.actor.post_id)
        if p is None:
            raise LookupError(f"the post {self.actor.post_id} of the signed-in user is not in the database")
        return dm.Post(id=p.id, name=p.name, pcode=p.pcode, country=p.country, language=p.language, demo=p.demo)

    def _last(self, s: Session, post_id: str) -> BundleExport | None:
        return s.scalars(select(BundleExport).where(BundleExport.post_id == post_id)
                         .order_by(BundleExport.to_seq.desc(), BundleExport.created_at.desc()).limit(1)).first()

    def _counter(self, s: Session, post_id: str) -> int:
        return int(s.scalar(select(PostCounter.value).where(PostCounter.post_id == post_id)) or 0)

    def _counts(self, s: Session, post_id: str, lo: int, hi: int) -> dict[str, int]:
        counts = {}
        for entity, (table, _at) in DATA_TABLES.items():
            counts[entity] = int(s.scalar(select(func.count()).select_from(table).where(
                table.post_id == post_id, table.change_seq > lo, table.change_seq <= hi)) or 0)
        counts["audit"] = int(s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.post_id == post_id, AuditLog.seq > lo, AuditLog.seq <= hi)) or 0)
        return {k: counts[k] for k in COUNT_KEYS}

    def pending(self) -> Pending:
        """Counts of what is still unexported, and its oldest record."""
        with self.db.session() as s:
            self._snapshot_isolation(s)
            post = self._post(s)
            last = self._last(s, post.id)
            lo = last.to_seq if last is not None else 0
            hi = self._counter(s, post.id)
            counts = self._counts(s, post.id, lo, hi)
            oldest = None
            for entity, (table, at) in DATA_TABLES.items():
                if counts[entity]:
                    value = s.scalar(select(func.min(at)).where(table.post_id == post.id, table.change_seq > lo,
                                                                table.change_seq <= hi))
                    if value is not None and (oldest is None or value < oldest):
                        oldest = value
            return Pending(post=post, from_seq=lo, to_seq=hi, counts=counts, oldest=oldest,
                           last_export_at=last.created_at if last else None,
                           last_export_file=last.file_name if last else None)

    def _snapshot_isolation(self, s: Session) -> None:
        """One consistent snapshot for the whole read (SQLite's BEGIN gives it already)."""
        if not self.db.is_sqlite:
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})

    @contextlib.contextmanager
    def snapshot(self, *, full: bool) -> Iterator[Snapshot]:
        """The records of the next export, read inside one read transaction: consume
        ``Snapshot.records`` before leaving the ``with`` block."""
        with self.db.session() as s:
            self._snapshot_isolation(s)
            post = self._post(s)
            last = self._last(s, post.id)
            lo = 0 if full or last is None else last.to_seq
            hi = self._counter(s, post.id)
            counts = self._counts(s, post.id, lo, hi)
            data_records = sum(v for k, v in counts.items() if k != "audit")
            schema = s.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""
            head = s.execute(select(AuditLog.seq, AuditLog.id).where(
                AuditLog.post_id == post.id, AuditLog.seq > lo, AuditLog.seq <= hi)
                .order_by(AuditLog.seq.desc()).limit(1)).first()
            snap = Snapshot(post=post, schema_version=str(schema), from_seq=lo, to_seq=hi, full=full,
                            data_records=data_records,
                            audit_head={"seq": int(head[0]), "id": head[1]} if head else {})
            snap.records = {entity: self._rows(s, entity, post.id, lo, hi) for entity in WHITELIST}
            yield snap

    def _rows(self, s: Session, entity: str, post_id: str, lo: int, hi: int):
        if entity == "audit":
            q = (select(*[getattr(AuditLog, f) for f in WHITELIST["audit"]])
                 .where(AuditLog.post_id == post_id, AuditLog.seq > lo, AuditLog.seq <= hi).order_by(AuditLog.seq))
        elif entity == "health":
            q = (select(*[getattr(Screening, f) for f in WHITELIST["health"]])
                 .where(Screening.post_id == post_id, Screening.change_seq > lo, Screening.change_seq <= hi)
                 .order_by(Screening.change_seq))
        else:
            table = DATA_TABLES[entity][0]
            q = (select(*[getattr(table, f) for f in WHITELIST[entity]])
                 .where(table.post_id == post_id, table.change_seq > lo, table.change_seq <= hi)
                 .order_by(table.change_seq))
        return _LazyRows(s, q)

    # ------------------------------------------------------------------ writing
    def record(self, *, from_seq: int, to_seq: int, full: bool, file_name: str, size: int, sha256: str,
               counts: dict[str, int]) -> None:
        """Note the export (the next incremental one starts after ``to_seq``) and audit it,
        in one transaction."""
        with self.db.session(write=True) as s:
            export_id = new_id()
            s.add(BundleExport(id=export_id, post_id=self.actor.post_id, from_seq=from_seq, to_seq=to_seq,
                               full=full, file_name=file_name, size=size, sha256=sha256, counts=dict(counts),
                               created_at=clock.utcnow(), created_by=self.actor.user_id))
            s.add(AuditLog(id=new_id(), post_id=self.actor.post_id, seq=0, at=clock.utcnow(),
                           user_id=self.actor.user_id, action="export", entity="bundle", entity_id=export_id))


class _LazyRows:
    """The rows of a query, run when first iterated (inside the snapshot's session): tuples
    of the whitelisted fields' values in order (``border_app.bundles.records`` takes them)."""

    def __init__(self, s: Session, query):
        self.s, self.query = s, query

    def __iter__(self):
        return iter(self.s.execute(self.query))
