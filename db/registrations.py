"""Registrations (a crossing with its person and document): register, check, update,
void, read one (audited ``view``), a day's list, the search across every day and the
earlier crossings of a document. A post sees its own data; the coordination every post's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from border_app import clock
from border_app import model as dm
from border_app.errors import ConflictError, InvalidInput, NotFound
from border_app.i18n import N_, _
from border_app.model import new_id
from border_app.roles import Permission as P
from border_app.roles import Role, require

from . import Database, validation
from .audit import audit, utcnow
from .convert import assign, registration, with_outcomes
from .models import Crossing, IdentityDocument, Person, Post, normalise_number
from .name_index import name_hits, number_hits, reindex_person
from .registration_search import name_condition, prefix_range, query_terms


class RegistrationService:
    def __init__(self, db: Database, actor: dm.Actor):
        self.db, self.actor = db, actor

    # scope: a post sees its own data; the coordination sees every post's
    def _scoped(self, stmt):
        if Role(self.actor.role) is Role.COORDINATOR:
            return stmt
        return stmt.where(Crossing.post_id == self.actor.post_id)

    def _audit(self, s: Session, action: str, entity: str, entity_id: str | None) -> None:
        audit(s, post_id=self.actor.post_id, user_id=self.actor.user_id, action=action, entity=entity,
              entity_id=entity_id)

    def _load(self, s: Session, crossing_id: str) -> tuple[Crossing, Person, IdentityDocument | None]:
        if not isinstance(crossing_id, str) or len(crossing_id) > 36:
            raise NotFound(_("This registration does not exist."))
        row = s.execute(self._scoped(
            select(Crossing, Person, IdentityDocument)
            .join(Person, Crossing.person_id == Person.id)
            .outerjoin(IdentityDocument, Crossing.document_id == IdentityDocument.id)
            .where(Crossing.id == crossing_id))).first()
        if row is None:
            raise NotFound(_("This registration does not exist."))
        return row[0], row[1], row[2]

    def _match_document(self, s: Session, values: dict, doc_id: str | None) -> IdentityDocument | None:
        post = self.actor.post_id
        if doc_id:
            doc = s.get(IdentityDocument, doc_id)
            if doc is not None and doc.post_id == post:
                return doc
        cond = [and_(IdentityDocument.number == values["number"],
                     IdentityDocument.issuing_state == values["issuing_state"]
                     if values["issuing_state"] is not None else IdentityDocument.issuing_state.is_(None))]
        if values["mrz_raw"]:
            cond.append(IdentityDocument.mrz_raw == values["mrz_raw"])
        return s.scalars(select(IdentityDocument).where(IdentityDocument.post_id == post, or_(*cond))
                         .order_by(IdentityDocument.change_seq.desc()).limit(1)).first()

    def _resolve(self, s: Session, draft: dm.RegistrationDraft, clean: validation.Clean,
                 current_person: Person | None) -> tuple[Person, IdentityDocument | None]:
        """Find (and update) or create the person and document of a draft."""
        now = utcnow()
        post = self.actor.post_id
        doc = None
        person = current_person
        if clean.document is not None:
            doc = self._match_document(s, clean.document, draft.document.id if draft.document else None)
        if doc is not None:
            if person is None or person.id != doc.person_id:
                person = s.get(Person, doc.person_id)
        elif person is None and draft.person.id:
            found = s.get(Person, draft.person.id)
            person = found if found is not None and found.post_id == post else None
        if person is None:
            person = Person(id=new_id(), post_id=post, change_seq=0, created_at=now, **clean.person)
            s.add(person)
            s.flush()  # no ORM relationships: insert parents before the rows that refer to them
        else:
            assign(person, clean.person)
        if clean.document is not None:
            if doc is None:
                doc = IdentityDocument(id=new_id(), post_id=post, change_seq=0, person_id=person.id,
                                       created_at=now, **clean.document)
                s.add(doc)
                s.flush()
            else:
                assign(doc, clean.document)
        reindex_person(s, person.id, person.search_key)  # the name search index (db/name_index.py)
        return person, doc

    def _insert(self, s: Session, draft: dm.RegistrationDraft, clean: validation.Clean,
                confirmed: tuple[bool, bool]) -> dm.Registration:
        """Write one validated draft's person, document and crossing (in ``s``), audited."""
        person, doc = self._resolve(s, draft, clean, None)
        crossing = Crossing(id=new_id(), post_id=self.actor.post_id, change_seq=0, person_id=person.id,
                            document_id=doc.id if doc else None, recorded_by=self.actor.user_id,
                            recorded_at=utcnow(), voided=False, confirmed_invalid=confirmed[0],
                            confirmed_expired=confirmed[1], **clean.crossing)
        s.add(crossing)
        s.flush()
        self._audit(s, "register", "crossing", crossing.id)
        return registration(crossing, person, doc)

    def register(self, draft: dm.RegistrationDraft) -> dm.Registration:
        require(self.actor.role, P.REGISTER_TRAVELLER)
        clean = validation.draft_values(draft)
        confirmed = validation.confirmations(draft)  # refuses unconfirmed problems
        with self.db.session(write=True) as s:
            return self._insert(s, draft, clean, confirmed)

    def check(self, draft: dm.RegistrationDraft) -> None:
        """Validate ``draft`` as :meth:`register` does, writing nothing."""
        require(self.actor.role, P.REGISTER_TRAVELLER)
        validation.draft_values(draft)
        validation.confirmations(draft)

    def register_all(self, drafts: list[dm.RegistrationDraft]) -> list[dm.Registration]:
        """Register every draft in one transaction: all of them, or (on any error) none.
        Each is validated as :meth:`register` validates the screen's drafts, before anything
        is written; a draft's error names its index (``InvalidInput.index``)."""
        require(self.actor.role, P.REGISTER_TRAVELLER)
        checked = []
        for index, draft in enumerate(drafts):
            try:
                checked.append((draft, validation.draft_values(draft), validation.confirmations(draft)))
            except InvalidInput as exc:
                exc.index = index  # type: ignore[attr-defined]
                raise
        with self.db.session(write=True) as s:
            return [self._insert(s, draft, clean, confirmed) for draft, clean, confirmed in checked]

    def update(self, crossing_id: str, draft: dm.RegistrationDraft) -> dm.Registration:
        require(self.actor.role, P.EDIT_REGISTRATION)
        clean = validation.draft_values(draft)
        with self.db.session(write=True) as s:
            crossing, person, _doc = self._load(s, crossing_id)
            if crossing.post_id != self.actor.post_id:
                raise NotFound(_("This registration does not exist."))
            if crossing.voided:
                raise ConflictError(_("This registration was voided; it can no longer be changed."))
            confirmed_invalid, confirmed_expired = validation.confirmations(draft)
            person, doc = self._resolve(s, draft, clean, person)
            assign(crossing, dict(clean.crossing, person_id=person.id, document_id=doc.id if doc else None,
                                   confirmed_invalid=confirmed_invalid, confirmed_expired=confirmed_expired))
            self._audit(s, "update", "crossing", crossing.id)
            s.flush()
            return registration(crossing, person, doc)

    def void(self, crossing_id: str, reason: str) -> dm.Registration:
        require(self.actor.role, P.VOID_REGISTRATION)
        text = validation.clean_text(reason, 500, N_("Reason for voiding"), required=True, multiline=True)
        with self.db.session(write=True) as s:
            crossing, person, doc = self._load(s, crossing_id)
            if crossing.post_id != self.actor.post_id:
                raise NotFound(_("This registration does not exist."))
            if crossing.voided:
                raise ConflictError(_("This registration is already voided."))
            crossing.voided, crossing.void_reason = True, text
            crossing.voided_by, crossing.voided_at = self.actor.user_id, utcnow()
            self._audit(s, "void", "crossing", crossing.id)
            s.flush()
            return registration(crossing, person, doc)

    def get(self, crossing_id: str) -> dm.Registration:
        require(self.actor.role, P.VIEW_IDENTITY)
        with self.db.session(write=True) as s:
            crossing, person, doc = self._load(s, crossing_id)
            self._audit(s, "view", "crossing", crossing.id)
            return with_outcomes(s, [registration(crossing, person, doc)], self.actor.role)[0]

    def _select(self):
        return self._scoped(
            select(Crossing, Person, IdentityDocument)
            .join(Person, Crossing.person_id == Person.id)
            .outerjoin(IdentityDocument, Crossing.document_id == IdentityDocument.id))

    def list_day(self, day: date, *, query: str | None = None, limit: int = 500) -> list[dm.Registration]:
        require(self.actor.role, P.VIEW_IDENTITY)
        if not isinstance(day, date):
            raise InvalidInput(_("{field}: a date is expected.").format(field=_("Day")))
        start, end = clock.day_bounds(day)
        stmt = self._select().where(Crossing.crossed_at >= start, Crossing.crossed_at < end)
        if query and query.strip():
            words, number = query_terms(query)
            conds = []
            if words:
                conds.append(name_condition(words))
            if number:
                conds.append(prefix_range(IdentityDocument.number, number))
            if not conds:
                return []
            stmt = stmt.where(or_(*conds))
        stmt = stmt.order_by(Crossing.crossed_at.desc(), Crossing.change_seq.desc()).limit(max(1, min(limit, 5000)))
        with self.db.session() as s:
            return with_outcomes(s, [registration(c, p, d) for c, p, d in s.execute(stmt)], self.actor.role)

    def search(self, query: str, *, limit: int = 100) -> list[dm.Registration]:
        """Registrations of every day whose person's name has all the words of ``query``
        (accents and case ignored, any order, word beginnings) or whose document number
        starts with it (two characters at least), newest first, at most ``limit``.

        The crossings are chosen by id first (``db.name_index``: a plan picked by how many
        persons or documents match, reading indexes only), then read in full."""
        require(self.actor.role, P.VIEW_IDENTITY)
        words, number = query_terms(query)
        if not words and not number:
            return []
        limit = max(1, min(limit, 1000))
        post_id = None if Role(self.actor.role) is Role.COORDINATOR else self.actor.post_id  # as _scoped
        with self.db.session() as s:
            hits = name_hits(s, words, post_id, limit) if words else []
            if number and len(number) >= 2:
                hits += number_hits(s, number, post_id, limit)
            # a crossing found by its name and its number comes twice: once is enough
            chosen = [cid for _at, _seq, cid in sorted(set(hits), key=lambda h: (h[0], h[1]), reverse=True)][:limit]
            if not chosen:
                return []
            # read by primary key and put in the chosen order here: neither the post (the ids
            # were chosen in scope) nor an ORDER BY may lead the planner to walk a post's crossings
            stmt = (select(Crossing, Person, IdentityDocument)
                    .join(Person, Crossing.person_id == Person.id)
                    .outerjoin(IdentityDocument, Crossing.document_id == IdentityDocument.id)
                    .where(Crossing.id.in_(chosen)))
            rank = {cid: i for i, cid in enumerate(chosen)}
            rows = sorted(s.execute(stmt), key=lambda row: rank[row[0].id])
            return with_outcomes(s, [registration(c, p, d) for c, p, d in rows], self.actor.role)

    def find_document(self, number: str, issuing_state: str | None = None) -> list[dm.EarlierCrossing]:
        """Earlier crossings with this document ("already seen"), newest first (indexed)."""
        require(self.actor.role, P.VIEW_IDENTITY)
        if not isinstance(number, str) or len(number) > 2 * validation.MAX_NUMBER:
            raise InvalidInput(_("{field}: this value is not allowed.").format(field=_("Document number")))
        key = normalise_number(number)
        if not key:
            return []
        stmt = (select(Crossing.id, Post.name, Crossing.direction, Crossing.crossed_at, Crossing.voided,
                       Person.surname, Person.given_names)
                .join(IdentityDocument, Crossing.document_id == IdentityDocument.id)
                .join(Post, Post.id == Crossing.post_id)
                .join(Person, Person.id == Crossing.person_id)
                .where(IdentityDocument.number == key))
        if issuing_state:
            stmt = stmt.where(IdentityDocument.issuing_state == issuing_state.strip().upper())
        stmt = self._scoped(stmt).order_by(Crossing.crossed_at.desc()).limit(50)
        with self.db.session() as s:
            return [dm.EarlierCrossing(crossing_id=cid, post_name=pname, direction=dm.Direction(direction),
                                       crossed_at=at, voided=voided, surname=surname or "",
                                       given_names=given or "")
                    for cid, pname, direction, at, voided, surname, given in s.execute(stmt)]
