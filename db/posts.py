"""The post: the first set-up (the post, its administrator and the keystore, all or
nothing) and the local post's record."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from border_app import model as dm
from border_app.errors import ConflictError, InvalidInput
from border_app.i18n import N_, _
from border_app.model import new_id
from border_app.roles import Role

from . import Database, keyslots, passwords, validation
from .audit import audit, utcnow
from .convert import post_info
from .models import Post, PostCounter, User

log = logging.getLogger(__name__)


def local_post(s: Session) -> Post | None:
    return s.scalars(select(Post).where(Post.local.is_(True)).limit(1)).first()


class PostService:
    def __init__(self, db: Database):
        self.db = db

    def get_post(self) -> dm.Post | None:
        with self.db.session() as s:
            post = local_post(s)
            return post_info(post) if post is not None else None

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
                if local_post(s) is not None:
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
                    set_aside_orphan_keystore(keystore)
                    keys = keyslots.create(keystore, post_id=post_id, slot_id=user_id, password=admin_password,
                                           kdf=kdf, demo=bool(demo))
                    created_keystore = True
        except BaseException:
            if created_keystore and keystore is not None:
                set_aside_orphan_keystore(keystore)
            raise
        return dm.Actor(user_id=user_id, username=username, full_name=full_name, role=Role.POST_ADMIN,
                        post_id=post_id, language=lang, keys=keys, demo=bool(demo))


def set_aside_orphan_keystore(path: Path) -> None:
    """A keystore without a post (an interrupted set-up) is kept, renamed, never deleted."""
    if path.exists():
        target = path.with_name(f"{path.name}.orphan-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
        os.replace(path, target)
        log.warning("a keystore without a post was set aside")
