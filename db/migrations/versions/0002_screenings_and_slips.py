"""Screenings (health data, change-tracked) and printed slips with their per-post serial counter.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 04:05:54.442165
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('slip_counters',
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_slip_counters_post_id_posts')),
    sa.PrimaryKeyConstraint('post_id', 'year', name=op.f('pk_slip_counters'))
    )
    op.create_table('screenings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('crossing_id', sa.String(length=36), nullable=False),
    sa.Column('screened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('screened_by', sa.String(length=36), nullable=False),
    sa.Column('protocol_versions', sa.JSON(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('temperature_c', sa.Double(), nullable=True),
    sa.Column('temperature_method', sa.String(length=32), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('fired', sa.JSON(), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('referral_destination', sa.String(length=200), nullable=True),
    sa.Column('referral_notes', sa.Text(), nullable=True),
    sa.Column('certificate', sa.JSON(), nullable=True),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['crossing_id'], ['crossings.id'], name=op.f('fk_screenings_crossing_id_crossings')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_screenings_person_id_persons')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_screenings_post_id_posts')),
    sa.ForeignKeyConstraint(['screened_by'], ['users.id'], name=op.f('fk_screenings_screened_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screenings'))
    )
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screenings_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index('ix_screenings_crossing_at', ['crossing_id', 'screened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_screenings_person_id'), ['person_id'], unique=False)

    op.create_table('slips',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('serial', sa.String(length=40), nullable=False),
    sa.Column('crossing_id', sa.String(length=36), nullable=False),
    sa.Column('screening_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('size', sa.String(length=8), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.String(length=36), nullable=False),
    sa.Column('duplicate', sa.Boolean(), nullable=False),
    sa.Column('original_id', sa.String(length=36), nullable=True),
    sa.Column('copy_no', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['crossing_id'], ['crossings.id'], name=op.f('fk_slips_crossing_id_crossings')),
    sa.ForeignKeyConstraint(['issued_by'], ['users.id'], name=op.f('fk_slips_issued_by_users')),
    sa.ForeignKeyConstraint(['original_id'], ['slips.id'], name=op.f('fk_slips_original_id_slips')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_slips_post_id_posts')),
    sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], name=op.f('fk_slips_screening_id_screenings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slips')),
    sa.UniqueConstraint('post_id', 'serial', 'copy_no', name='uq_slips_post_serial_copy')
    )
    with op.batch_alter_table('slips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slips_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_slips_crossing_id'), ['crossing_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('slips', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slips_crossing_id'))
        batch_op.drop_index(batch_op.f('ix_slips_change_seq'))

    op.drop_table('slips')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screenings_person_id'))
        batch_op.drop_index('ix_screenings_crossing_at')
        batch_op.drop_index(batch_op.f('ix_screenings_change_seq'))

    op.drop_table('screenings')
    op.drop_table('slip_counters')
