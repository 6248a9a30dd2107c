"""The service layer: what the UI and the CLI call.

Rules every method follows:

* it checks the role matrix (``border_app.roles.require``) *before* touching data;
* it opens its own Session (one per user action, never shared between threads);
* every write is all-or-nothing and writes its audit entry (ids only) in the same
  transaction; reading one record's personal data is audited too (action ``view``);
* it returns ``border_app.model`` dataclasses, never ORM rows.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from border_app import clock
from border_app import model as dm
from border_app.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInput,
    NotFound,
    UserFacingError,
)
from border_app.i18n import N_, _
from border_app.model import new_id
from border_app.roles import Permission, Role, allowed, require

from . import Database, keyslots, passwords, validation
from .name_index import name_hits, number_hits, reindex_person
from .models import AuditLog, Crossing, IdentityDocument, Person, Post, PostCounter, Screening, User
from .models import TOKEN_LENGTH, PersonNameToken, normalise_number, search_key

log = logging.getLogger(__name__)

P = Permission
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)
MAX_QUERY = 200


def utcnow() -> datetime:
    """The wall clock (only for display times and lockouts; never for change ordering)."""
    return clock.utcnow()


# --------------------------------------------------------------------------- helpers
def _local_post(s: Session) -> Post | None:
    return s.scalars(select(Post).where(Post.local.is_(True)).limit(1)).first()


def audit(s: Session, *, post_id: str, user_id: str | None, action: str, entity: str,
          entity_id: str | None = None) -> None:
    """Add an audit entry (ids only) to the session's transaction."""
    s.add(AuditLog(id=new_id(), post_id=post_id, seq=0, at=utcnow(), user_id=user_id,
                   action=action, entity=entity, entity_id=entity_id))


def _assign(obj, values: dict) -> bool:
    """Set only the attributes that change (so unchanged rows keep their change_seq)."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _is_locked(u: User) -> bool:
    return u.locked_until is not None and u.locked_until > utcnow()


def _user_info(u: User) -> dm.UserInfo:
    return dm.UserInfo(id=u.id, username=u.username, full_name=u.full_name, role=Role(u.role),
                       active=u.active, language=u.language, locked=_is_locked(u))


def _post(p: Post) -> dm.Post:
    return dm.Post(id=p.id, name=p.name, pcode=p.pcode, country=p.country, language=p.language, demo=p.demo)


def _person(p: Person) -> dm.PersonData:
    return dm.PersonData(surname=p.surname, given_names=p.given_names, sex=p.sex, birth_date=p.birth_date,
                         birth_date_approximate=p.birth_date_approximate, nationality=p.nationality,
                         identity_declared=p.identity_declared, photo_ref=p.photo_ref, phone=p.phone, id=p.id)


def _document(d: IdentityDocument | None) -> dm.DocumentData | None:
    if d is None:
        return None
    return dm.DocumentData(doc_type=dm.DocumentType(d.doc_type), number=d.number, issuing_state=d.issuing_state,
                           expiry_date=d.expiry_date, document_code=d.document_code, mrz_format=d.mrz_format,
                           mrz_raw=d.mrz_raw, mrz_valid=d.mrz_valid, image_refs=list(d.image_refs or []), id=d.id)


def _registration(c: Crossing, p: Person, d: IdentityDocument | None) -> dm.Registration:
    crossing = dm.CrossingData(
        direction=dm.Direction(c.direction), crossed_at=c.crossed_at,
        transport_mode=dm.TransportMode(c.transport_mode) if c.transport_mode else None,
        origin=c.origin, destination=c.destination,
        reason=dm.TravelReason(c.reason) if c.reason else None,
        group_size=c.group_size, notes=c.notes, id=c.id,
    )
    return dm.Registration(crossing_id=c.id, person=_person(p), crossing=crossing, document=_document(d),
                           post_id=c.post_id, recorded_by=c.recorded_by, recorded_at=c.recorded_at,
                           voided=c.voided, void_reason=c.void_reason, screening_outcome=None,
                           confirmed_invalid=bool(c.confirmed_invalid), confirmed_expired=bool(c.confirmed_expired))


def latest_outcomes(s: Session, crossing_ids: list[str]) -> dict[str, str]:
    """The latest (not voided) screening outcome code of each crossing: one query per 900 ids."""
    best: dict[str, tuple] = {}
    ids = list(dict.fromkeys(crossing_ids))
    for i in range(0, len(ids), 900):
        rows = s.execute(select(Screening.crossing_id, Screening.outcome, Screening.screened_at, Screening.change_seq)
                         .where(Screening.crossing_id.in_(ids[i:i + 900]), Screening.voided.is_(False)))
        for cid, outcome, at, seq in rows:
            if cid not in best or (at, seq) > best[cid][0]:
                best[cid] = ((at, seq), outcome)
    return {cid: v[1] for cid, v in best.items()}


def _with_outcomes(s: Session, regs: list[dm.Registration], role: Role | str) -> list[dm.Registration]:
    """Fill ``screening_outcome`` (the outcome only) when the role may see outcomes."""
    if regs and allowed(role, P.VIEW_SCREENING_OUTCOME):
        outcomes = latest_outcomes(s, [r.crossing_id for r in regs])
        for r in regs:
            r.screening_outcome = outcomes.get(r.crossing_id)
    return regs


def _bad_login() -> AuthenticationError:
    return AuthenticationError(_("Wrong user name or password."))


def _locked_message() -> AuthenticationError:
    return AuthenticationError(
        _("Too many wrong passwords: this account is locked for {minutes} minutes. Try again later "
          "or ask the post administrator.").format(minutes=int(LOCKOUT.total_seconds() // 60))
    )


# --------------------------------------------------------------------------- auth
class AuthService:
    def __init__(self, db: Database):
        self.db = db

    def needs_setup(self) -> bool:
        """True while this database has no post (first run)."""
        with self.db.session() as s:
            return _local_post(s) is None

    def login(self, username: str, password: str) -> dm.Actor:
        name = username.strip().lower() if isinstance(username, str) else ""
        if not isinstance(password, str) or not name or len(name) > 64 or len(password) > passwords.MAX_PASSWORD_LENGTH:
            passwords.dummy_verify(password if isinstance(password, str) else "")
            raise _bad_login()
        outcome: UserFacingError | None = None
        actor: dm.Actor | None = None
        with self.db.session(write=True) as s:
            post = _local_post(s)
            if post is None:
                raise AuthenticationError(_("This post is not set up yet: run the first set-up."))
            user = s.scalars(select(User).where(User.post_id == post.id, User.username == name)).first()
            now = utcnow()
            if user is None:
                passwords.dummy_verify(password)
                audit(s, post_id=post.id, user_id=None, action="login_failed", entity="user")
                outcome = _bad_login()
            elif user.locked_until is not None and user.locked_until > now:
                passwords.dummy_verify(password)
                audit(s, post_id=post.id, user_id=user.id, action="login_locked", entity="user", entity_id=user.id)
                outcome = _locked_message()
            elif not passwords.verify_password(user.password_hash, password):
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILED_LOGINS:
                    user.failed_logins = 0
                    user.locked_until = now + LOCKOUT
                    audit(s, post_id=post.id, user_id=user.id, action="account_locked", entity="user", entity_id=user.id)
                    outcome = _locked_message()
                else:
                    outcome = _bad_login()
                audit(s, post_id=post.id, user_id=user.id, action="login_failed", entity="user", entity_id=user.id)
            elif not user.active:
                audit(s, post_id=post.id, user_id=user.id, action="login_refused", entity="user", entity_id=user.id)
                outcome = AuthenticationError(_("This account is deactivated. Ask the post administrator."))
            else:
                if user.failed_logins or user.locked_until is not None:
                    user.failed_logins, user.locked_until = 0, None
                if passwords.needs_rehash(user.password_hash):
                    user.password_hash = passwords.hash_password(password)
                audit(s, post_id=post.id, user_id=user.id, action="login", entity="user", entity_id=user.id)
                actor = dm.Actor(user_id=user.id, username=user.username, full_name=user.full_name,
                                 role=Role(user.role), post_id=post.id, language=user.language, demo=post.demo)
        if outcome is not None:
            raise outcome
        assert actor is not None
        actor.keys = keyslots.try_unlock(self.db.keystore_path, actor.user_id, password)
        return actor


# --------------------------------------------------------------------------- post
class PostService:
    def __init__(self, db: Database):
        self.db = db

    def get_post(self) -> dm.Post | None:
        with self.db.session() as s:
            post = _local_post(s)
            return _post(post) if post is not None else None

    def setup_post(self, *, name: str, pcode: str, language: str, admin_username: str, admin_full_name: str,
                   admin_password: str, demo: bool = False, kdf=None) -> dm.Actor:
        """First run only: the post, its administrator and the keystore."""
        post_name = validation.clean_text(name, validation.MAX_NAME, N_("Post name"), required=True)
        code = validation.pcode(pcode)
        lang = validation.language(language)
        username = validation.username(admin_username)
        full_name = validation.full_name(admin_full_name)
        passwords.check_policy(admin_password)
        if self.db.profile is not None and self.db.profile.demo != bool(demo):
            raise InvalidInput(_("Demo data and real post data must stay in separate profiles."))
        password_hash = passwords.hash_password(admin_password)
        post_id, user_id = new_id(), new_id()
        keystore = self.db.keystore_path
        created_keystore = False
        keys = None
        try:
            with self.db.session(write=True) as s:
                if _local_post(s) is not None:
                    raise ConflictError(_("This post is already set up."))
                now = utcnow()
                s.add(Post(id=post_id, name=post_name, pcode=code, country="NER", language=lang, demo=bool(demo),
                           local=True, created_at=now))
                s.add(PostCounter(post_id=post_id, value=0))
                s.flush()
                s.add(User(id=user_id, post_id=post_id, change_seq=0, username=username, full_name=full_name,
                           role=Role.POST_ADMIN.value, password_hash=password_hash, active=True, language=lang,
                           failed_logins=0, created_at=now))
                audit(s, post_id=post_id, user_id=user_id, action="setup", entity="post", entity_id=post_id)
                s.flush()
                if keystore is not None:
                    _set_aside_orphan_keystore(keystore)
                    keys = keyslots.create(keystore, post_id=post_id, slot_id=user_id, password=admin_password,
                                           kdf=kdf, demo=bool(demo))
                    created_keystore = True
        except BaseException:
            if created_keystore and keystore is not None:
                _set_aside_orphan_keystore(keystore)
            raise
        return dm.Actor(user_id=user_id, username=username, full_name=full_name, role=Role.POST_ADMIN,
                        post_id=post_id, language=lang, keys=keys, demo=bool(demo))


def _set_aside_orphan_keystore(path: Path) -> None:
    """A keystore without a post (an interrupted set-up) is kept, renamed, never deleted."""
    if path.exists():
        target = path.with_name(f"{path.name}.orphan-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
        os.replace(path, target)
        log.warning("a keystore without a post was set aside")


# --------------------------------------------------------------------------- users
class UserService:
    def __init__(self, db: Database, actor: dm.Actor):
        require(actor.role, P.MANAGE_USERS)
        self.db, self.actor = db, actor

    def _get(self, s: Session, user_id: str) -> User:
        user = s.get(User, user_id) if isinstance(user_id, str) else None
        if user is None or user.post_id != self.actor.post_id:
            raise NotFound(_("This user account does not exist."))
        return user

    def create_user(self, *, username: str, full_name: str, role: Role, password: str,
                    language: str = "fr") -> dm.UserInfo:
        require(self.actor.role, P.MANAGE_USERS)
        name = validation.username(username)
        fname = validation.full_name(full_name)
        try:
            role = Role(role)
        except ValueError:
            raise InvalidInput(_("{field}: this value is not allowed.").format(field=_("Role"))) from None
        lang = validation.language(language)
        passwords.check_policy(password)
        password_hash = passwords.hash_password(password)
        user_id = new_id()
        slot_added = False
        try:
            with self.db.session(write=True) as s:
                taken = s.scalar(select(func.count()).select_from(User).where(
                    User.post_id == self.actor.post_id, User.username == name))
                if taken:
                    raise ConflictError(_("The user name {username} is already taken.").format(username=name))
                user = User(id=user_id, post_id=self.actor.post_id, change_seq=0, username=name, full_name=fname,
                            role=role.value, password_hash=password_hash, active=True, language=lang,
                            failed_logins=0, created_at=utcnow())
                s.add(user)
                audit(s, post_id=self.actor.post_id, user_id=self.actor.user_id, action="create",
                      entity="user", entity_id=user_id)
                s.flush()
                slot_added = keyslots.set_slot(self.db.keystore_path, user_id, password, self.actor.keys)
                info = _user_info(user)
        except BaseException:
            if slot_added:
                keyslots.remove_slot(self.db.keystore_path, user_id)
            raise
        return info

    def list_users(self) -> list[dm.UserInfo]:
        require(self.actor.role, P.MANAGE_USERS)
        with self.db.session() as s:
            rows = s.scalars(select(User).where(User.post_id == self.actor.post_id).order_by(User.username))
            return [_user_info(u) for u in rows]

    def set_active(self, user_id: str, active: bool) -> dm.UserInfo:
        require(self.actor.role, P.MANAGE_USERS)
        if user_id == self.actor.user_id and not active:
            raise InvalidInput(_("You cannot deactivate your own account."))
        with self.db.session(write=True) as s:
            user = self._get(s, user_id)
            if user.active != bool(active):
                user.active = bool(active)
                audit(s, post_id=self.actor.post_id, user_id=self.actor.user_id,
                      action="activate" if active else "deactivate", entity="user", entity_id=user.id)
                s.flush()
                if not active:  # a deactivated user can no longer open the keys
                    keyslots.remove_slot(self.db.keystore_path, user.id)
            return _user_info(user)

    def find(self, username: str) -> dm.UserInfo:
        """The account called ``username`` at this post (NotFound otherwise)."""
        require(self.actor.role, P.MANAGE_USERS)
        name = username.strip().lower() if isinstance(username, str) else ""
        if not name or len(name) > 64:
            raise NotFound(_("This user account does not exist."))
        with self.db.session() as s:
            user = s.scalars(select(User).where(User.post_id == self.actor.post_id, User.username == name)).first()
            if user is None:
                raise NotFound(_("This user account does not exist."))
            return _user_info(user)

    def unlock(self, user_id: str) -> dm.UserInfo:
        """End an account's lockout after too many wrong passwords (audited ``unlock``);
        the count of wrong passwords starts again from zero."""
        require(self.actor.role, P.MANAGE_USERS)
        with self.db.session(write=True) as s:
            user = self._get(s, user_id)
            if user.failed_logins or user.locked_until is not None:
                user.failed_logins, user.locked_until = 0, None
                audit(s, post_id=self.actor.post_id, user_id=self.actor.user_id, action="unlock",
                      entity="user", entity_id=user.id)
                s.flush()
            return _user_info(user)

    def reset_password(self, user_id: str, new_password: str) -> None:
        require(self.actor.role, P.MANAGE_USERS)
        passwords.check_policy(new_password)
        password_hash = passwords.hash_password(new_password)
        with self.db.session(write=True) as s:
            user = self._get(s, user_id)
            user.password_hash = password_hash
            user.failed_logins, user.locked_until = 0, None
            audit(s, post_id=self.actor.post_id, user_id=self.actor.user_id, action="reset_password",
                  entity="user", entity_id=user.id)
            s.flush()
            if user.active:
                keyslots.set_slot(self.db.keystore_path, user.id, new_password, self.actor.keys)


class AccountService:
    """The signed-in user's own account (any role)."""

    def __init__(self, db: Database):
        self.db = db

    def change_password(self, actor: dm.Actor, old: str, new: str) -> None:
        if not isinstance(old, str):
            raise AuthenticationError(_("The current password is wrong."))
        passwords.check_policy(new)
        if old == new:
            raise InvalidInput(_("The new password must differ from the current one."))
        with self.db.session(write=True) as s:
            user = s.get(User, actor.user_id)
            if user is None or not user.active:
                raise AuthenticationError(_("This account is deactivated. Ask the post administrator."))
            if not passwords.verify_password(user.password_hash, old):
                audit(s, post_id=user.post_id, user_id=user.id, action="password_change_failed",
                      entity="user", entity_id=user.id)
                failed = True
            else:
                failed = False
                user.password_hash = passwords.hash_password(new)
                audit(s, post_id=user.post_id, user_id=user.id, action="change_password", entity="user",
                      entity_id=user.id)
                s.flush()
                keys = actor.keys or keyslots.try_unlock(self.db.keystore_path, user.id, old)
                keyslots.set_slot(self.db.keystore_path, user.id, new, keys)
        if failed:
            raise AuthenticationError(_("The current password is wrong."))

    def set_language(self, actor: dm.Actor, language: str) -> None:
        """The user's own language, applied at each sign-in (the post's default is not
        touched). A preference, not a security event: not audited."""
        lang = validation.language(language)
        with self.db.session(write=True) as s:
            user = s.get(User, actor.user_id)
            if user is None or not user.active:
                raise AuthenticationError(_("This account is deactivated. Ask the post administrator."))
            user.language = lang


# --------------------------------------------------------------------------- registrations
def _next_prefix(prefix: str) -> str | None:
    """The smallest string after every string that starts with ``prefix`` (None: no such bound)."""
    last = ord(prefix[-1]) + 1
    if last > 0x10FFFF or 0xD800 <= last <= 0xDFFF:
        return None
    return prefix[:-1] + chr(last)


def _prefix_range(column, prefix: str):
    """``column`` starts with ``prefix`` (alphanumeric, upper-case), as an index range
    (byte order: SQLite's, and PostgreSQL's "C" collation)."""
    upper = _next_prefix(prefix)
    if upper is None:
        return column >= prefix  # never met: the prefix would end with the last code point
    return and_(column >= prefix, column < upper)


def _query_terms(query: str) -> tuple[list[str], str]:
    """The name words (as ``search_key`` spells them) and the document number of a query."""
    if not isinstance(query, str):
        raise InvalidInput(_("The search text is not valid."))
    if len(query) > MAX_QUERY:
        raise InvalidInput(_("The search text is too long (at most {count} characters).").format(count=MAX_QUERY))
    words = sorted(set(search_key(query).split()[:8]), key=lambda w: (-len(w), w))
    return [w[:TOKEN_LENGTH] for w in words], normalise_number(query)


def _token_range(word: str):
    return _prefix_range(PersonNameToken.token, word)


def _name_condition(words: list[str]):
    """The same test for the person of each row already chosen (a day's list): one
    primary-key range per word and row."""
    return and_(*[exists().where(PersonNameToken.person_id == Person.id, _token_range(w)) for w in words])


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
            _assign(person, clean.person)
        if clean.document is not None:
            if doc is None:
                doc = IdentityDocument(id=new_id(), post_id=post, change_seq=0, person_id=person.id,
                                       created_at=now, **clean.document)
                s.add(doc)
                s.flush()
            else:
                _assign(doc, clean.document)
        reindex_person(s, person.id, person.search_key)  # the name search index (db/name_index.py)
        return person, doc

    def register(self, draft: dm.RegistrationDraft) -> dm.Registration:
        require(self.actor.role, P.REGISTER_TRAVELLER)
        clean = validation.draft_values(draft)
        confirmed_invalid, confirmed_expired = validation.confirmations(draft)  # refuses unconfirmed problems
        with self.db.session(write=True) as s:
            person, doc = self._resolve(s, draft, clean, None)
            crossing = Crossing(id=new_id(), post_id=self.actor.post_id, change_seq=0, person_id=person.id,
                                document_id=doc.id if doc else None, recorded_by=self.actor.user_id,
                                recorded_at=utcnow(), voided=False, confirmed_invalid=confirmed_invalid,
                                confirmed_expired=confirmed_expired, **clean.crossing)
            s.add(crossing)
            self._audit(s, "register", "crossing", crossing.id)
            s.flush()
            return _registration(crossing, person, doc)

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
        out = []
        with self.db.session(write=True) as s:
            for draft, clean, (confirmed_invalid, confirmed_expired) in checked:
                person, doc = self._resolve(s, draft, clean, None)
                crossing = Crossing(id=new_id(), post_id=self.actor.post_id, change_seq=0, person_id=person.id,
                                    document_id=doc.id if doc else None, recorded_by=self.actor.user_id,
                                    recorded_at=utcnow(), voided=False, confirmed_invalid=confirmed_invalid,
                                    confirmed_expired=confirmed_expired, **clean.crossing)
                s.add(crossing)
                s.flush()
                self._audit(s, "register", "crossing", crossing.id)
                out.append(_registration(crossing, person, doc))
        return out

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
            _assign(crossing, dict(clean.crossing, person_id=person.id, document_id=doc.id if doc else None,
                                   confirmed_invalid=confirmed_invalid, confirmed_expired=confirmed_expired))
            self._audit(s, "update", "crossing", crossing.id)
            s.flush()
            return _registration(crossing, person, doc)

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
            return _registration(crossing, person, doc)

    def get(self, crossing_id: str) -> dm.Registration:
        require(self.actor.role, P.VIEW_IDENTITY)
        with self.db.session(write=True) as s:
            crossing, person, doc = self._load(s, crossing_id)
            self._audit(s, "view", "crossing", crossing.id)
            return _with_outcomes(s, [_registration(crossing, person, doc)], self.actor.role)[0]

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
            words, number = _query_terms(query)
            conds = []
            if words:
                conds.append(_name_condition(words))
            if number:
                conds.append(_prefix_range(IdentityDocument.number, number))
            if not conds:
                return []
            stmt = stmt.where(or_(*conds))
        stmt = stmt.order_by(Crossing.crossed_at.desc(), Crossing.change_seq.desc()).limit(max(1, min(limit, 5000)))
        with self.db.session() as s:
            return _with_outcomes(s, [_registration(c, p, d) for c, p, d in s.execute(stmt)], self.actor.role)

    def search(self, query: str, *, limit: int = 100) -> list[dm.Registration]:
        """Registrations of every day whose person's name has all the words of ``query``
        (accents and case ignored, any order, word beginnings) or whose document number
        starts with it (two characters at least), newest first, at most ``limit``.

        The crossings are chosen by id first (``db.name_index``: a plan picked by how many
        persons or documents match, reading indexes only), then read in full."""
        require(self.actor.role, P.VIEW_IDENTITY)
        words, number = _query_terms(query)
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
            return _with_outcomes(s, [_registration(c, p, d) for c, p, d in rows], self.actor.role)

    def find_document(self, number: str, issuing_state: str | None = None) -> list[dm.EarlierCrossing]:
        """Earlier crossings with this document ("already seen"), newest first (indexed)."""
        require(self.actor.role, P.VIEW_IDENTITY)
        if not isinstance(number, str) or len(number) > 2 * validation.MAX_NUMBER:
            raise InvalidInput(_("{field}: this value is not allowed.").format(field=_("Document number")))
        key = normalise_number(number)
        if not key:
            return []
        stmt = (select(Crossing.id, Post.name, Crossing.direction, Crossing.crossed_at, Crossing.voided)
                .join(IdentityDocument, Crossing.document_id == IdentityDocument.id)
                .join(Post, Post.id == Crossing.post_id)
                .where(IdentityDocument.number == key))
        if issuing_state:
            stmt = stmt.where(IdentityDocument.issuing_state == issuing_state.strip().upper())
        stmt = self._scoped(stmt).order_by(Crossing.crossed_at.desc()).limit(50)
        with self.db.session() as s:
            return [dm.EarlierCrossing(crossing_id=cid, post_name=pname, direction=dm.Direction(direction),
                                       crossed_at=at, voided=voided)
                    for cid, pname, direction, at, voided in s.execute(stmt)]


# --------------------------------------------------------------------------- audit
class AuditService:
    def __init__(self, db: Database, actor: dm.Actor):
        require(actor.role, P.VIEW_AUDIT)
        self.db, self.actor = db, actor

    MAX_LIMIT = 10_000

    def list(self, *, limit: int = 200, since: date | None = None, until: date | None = None,
             user_id: str | None = None, action: str | None = None) -> list[dm.AuditEntry]:
        """The newest entries first, at most ``limit`` (bounded), filtered in the database:
        the post's days ``since`` to ``until`` (inclusive), one user, one action code. Each
        entry carries its user's name (ids only otherwise: no traveller data)."""
        require(self.actor.role, P.VIEW_AUDIT)
        for day, label in ((since, N_("From")), (until, N_("To"))):
            if day is not None and not isinstance(day, date):
                raise InvalidInput(_("{field}: a date is expected.").format(field=_(label)))
        if since is not None and until is not None and until < since:
            raise InvalidInput(_("The end of the period is before its start."))
        stmt = select(AuditLog, User.username).outerjoin(User, User.id == AuditLog.user_id)
        if Role(self.actor.role) is not Role.COORDINATOR:
            stmt = stmt.where(AuditLog.post_id == self.actor.post_id)
        if since is not None:
            stmt = stmt.where(AuditLog.at >= clock.day_bounds(since)[0])
        if until is not None:
            stmt = stmt.where(AuditLog.at < clock.day_bounds(until)[1])
        if user_id:
            stmt = stmt.where(AuditLog.user_id == str(user_id)[:36])
        if action:
            stmt = stmt.where(AuditLog.action == str(action)[:32])
        limit = max(1, min(int(limit), self.MAX_LIMIT))
        stmt = stmt.order_by(AuditLog.seq.desc(), AuditLog.at.desc()).limit(limit)
        with self.db.session() as s:
            return [dm.AuditEntry(id=a.id, at=a.at, user_id=a.user_id, action=a.action, entity=a.entity,
                                  entity_id=a.entity_id, post_id=a.post_id, seq=a.seq, username=name)
                    for a, name in s.execute(stmt)]

    def users(self) -> list[tuple[str, str]]:
        """(id, user name) of the accounts the audit trail may name: the filter's list."""
        require(self.actor.role, P.VIEW_AUDIT)
        stmt = select(User.id, User.username).order_by(User.username)
        if Role(self.actor.role) is not Role.COORDINATOR:
            stmt = stmt.where(User.post_id == self.actor.post_id)
        with self.db.session() as s:
            return [(uid, name) for uid, name in s.execute(stmt)]
