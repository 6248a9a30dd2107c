"""The post's exported bundles (issue #20): the next incremental export starts after the
newest exported change counter.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bundle_exports',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('from_seq', sa.BigInteger(), nullable=False),
    sa.Column('to_seq', sa.BigInteger(), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_bundle_exports_post_id_posts')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_bundle_exports_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bundle_exports'))
    )
    op.create_index('ix_bundle_exports_post_to_seq', 'bundle_exports', ['post_id', 'to_seq'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_bundle_exports_post_to_seq', table_name='bundle_exports')
    op.drop_table('bundle_exports')
