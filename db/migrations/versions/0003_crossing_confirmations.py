"""Crossings record whether the official confirmed saving an invalid or an expired document.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 17:30:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('crossings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_invalid', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('confirmed_expired', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('crossings', schema=None) as batch_op:
        batch_op.drop_column('confirmed_expired')
        batch_op.drop_column('confirmed_invalid')
