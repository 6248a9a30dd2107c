"""The period report's covering indexes (issue #18, defect 17): a post's crossings by time
with the columns the report counts, the persons' report columns by id, and each crossing's
screenings in the order that gives the latest not-voided outcome first. With them a 30-day
report on a dense post (870,000 crossings) reads indexes only.

On SQLite, tables already analysed (``sqlite_stat1``) are analysed again, or the planner
would keep choosing the old indexes, which it has figures for.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 18:10:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

INDEXES = (
    # the time first: a post's database holds one post, and an index led by post_id would be
    # taken by SQLite's planner (without statistics) for every ``post_id = ?`` query, walking
    # all the post's crossings (find_document: 7-20 s at 1,000,000 crossings)
    ('ix_crossings_report', 'crossings', ['crossed_at', 'post_id', 'voided', 'direction', 'person_id', 'id']),
    ('ix_persons_report', 'persons', ['id', 'nationality', 'sex', 'birth_date']),
    ('ix_screenings_latest', 'screenings', ['crossing_id', 'voided', 'screened_at', 'change_seq', 'outcome']),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        analysed = bind.execute(sa.text(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")).scalar_one()
        if analysed:
            for _name, table, _columns in INDEXES:
                bind.exec_driver_sql('ANALYZE "{}"'.format(table))


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
