"""The Alembic configuration and head revision of a migrations folder: one helper for the
post's schema (``db/migrations``) and the coordination's (``db/coordination/migrations``)."""

from __future__ import annotations

from pathlib import Path


def alembic_config(script_location: Path, connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision(script_location: Path) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(script_location)).get_current_head()
    if head is None:
        raise RuntimeError("the migrations in {} have no head revision".format(script_location))
    return head
