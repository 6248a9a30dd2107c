"""The name search index: one row per word of each person's search_key, filled for the
persons already stored (a name searched by its beginning becomes an index range instead of
a LIKE over every person); and the crossings by person then time, and by time then person,
each with (change_seq, post_id), so that a search picks its newest crossings from an index
alone (they replace the single-column indexes on person_id and crossed_at, their prefixes).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 18:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TOKEN_LENGTH = 200  # db.models.TOKEN_LENGTH when this revision was written

CROSSING_INDEXES = (
    ('ix_crossings_person_time', ['person_id', 'crossed_at', 'change_seq', 'post_id']),
    ('ix_crossings_time_person', ['crossed_at', 'change_seq', 'person_id', 'post_id']),
)
REPLACED = (('ix_crossings_person_id', 'person_id'), ('ix_crossings_crossed_at', 'crossed_at'))

# search_key reads ' WORD WORD ... ' (upper case, one space between words, framed by spaces)
_BACKFILL_SQLITE = """
WITH RECURSIVE split(person_id, rest, token) AS (
    SELECT id, ltrim(search_key), '' FROM persons
    UNION ALL
    SELECT person_id, substr(rest, instr(rest, ' ') + 1), substr(rest, 1, instr(rest, ' ') - 1)
    FROM split WHERE rest <> '' AND instr(rest, ' ') > 0
)
INSERT OR IGNORE INTO person_name_tokens (person_id, token)
SELECT person_id, substr(token, 1, {n}) FROM split WHERE token <> ''
""".format(n=TOKEN_LENGTH)

_BACKFILL_POSTGRESQL = """
INSERT INTO person_name_tokens (person_id, token)
SELECT DISTINCT p.id, left(t.token, {n})
FROM persons p CROSS JOIN LATERAL regexp_split_to_table(btrim(p.search_key), ' +') AS t(token)
WHERE t.token <> ''
""".format(n=TOKEN_LENGTH)


def upgrade() -> None:
    op.create_table('person_name_tokens',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('token', sa.String(length=TOKEN_LENGTH).with_variant(sa.String(length=TOKEN_LENGTH, collation='C'),
                                                                   'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_person_name_tokens_person_id_persons')),
    sa.PrimaryKeyConstraint('person_id', 'token', name=op.f('pk_person_name_tokens'))
    )
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        bind.exec_driver_sql(_BACKFILL_SQLITE)
    elif bind.dialect.name == 'postgresql':
        bind.exec_driver_sql(_BACKFILL_POSTGRESQL)
    else:  # any other database: the same words, split here
        rows = [{"person_id": pid, "token": w[:TOKEN_LENGTH]}
                for pid, key in bind.execute(sa.text("SELECT id, search_key FROM persons"))
                for w in sorted(set((key or "").split()))]
        table = sa.table('person_name_tokens', sa.column('person_id'), sa.column('token'))
        # words cut to TOKEN_LENGTH may coincide: each (person, token) once, the first kept
        seen: set[tuple[str, str]] = set()
        unique = []
        for r in rows:
            pair = (r["person_id"], r["token"])
            if pair not in seen:
                seen.add(pair)
                unique.append(r)
        if unique:
            bind.execute(sa.insert(table), unique)
    with op.batch_alter_table('person_name_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_person_name_tokens_token', ['token', 'person_id'], unique=False)
    for name, columns in CROSSING_INDEXES:
        op.create_index(name, 'crossings', columns, unique=False)
    for name, _column in REPLACED:
        op.drop_index(name, table_name='crossings')


def downgrade() -> None:
    for name, column in REPLACED:
        op.create_index(name, 'crossings', [column], unique=False)
    for name, _columns in CROSSING_INDEXES:
        op.drop_index(name, table_name='crossings')
    with op.batch_alter_table('person_name_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_person_name_tokens_token')
    op.drop_table('person_name_tokens')
