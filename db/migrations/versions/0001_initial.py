"""Initial schema: posts, users, persons, documents, crossings, audit log, counters, tombstones.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 03:36:01.332126
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('posts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('pcode', sa.String(length=16), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('demo', sa.Boolean(), nullable=False),
    sa.Column('local', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_audit_log_post_id_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_post_seq', ['post_id', 'seq'], unique=False)

    op.create_table('persons',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('surname', sa.String(length=200), nullable=False),
    sa.Column('given_names', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=420), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('birth_date', sa.String(length=10), nullable=True),
    sa.Column('birth_date_approximate', sa.Boolean(), nullable=False),
    sa.Column('nationality', sa.String(length=3), nullable=True),
    sa.Column('identity_declared', sa.Boolean(), nullable=False),
    sa.Column('photo_ref', sa.String(length=255), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_persons_post_id_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons'))
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persons_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index('ix_persons_names', ['surname', 'given_names'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_search_key'), ['search_key'], unique=False)

    op.create_table('post_counters',
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_counters_post_id_posts')),
    sa.PrimaryKeyConstraint('post_id', name=op.f('pk_post_counters'))
    )
    op.create_table('tombstones',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_by', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_tombstones_post_id_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tombstones'))
    )
    with op.batch_alter_table('tombstones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tombstones_change_seq'), ['change_seq'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_users_post_id_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('post_id', 'username', name='uq_users_post_username')
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_change_seq'), ['change_seq'], unique=False)

    op.create_table('identity_documents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('doc_type', sa.String(length=32), nullable=False),
    sa.Column('document_code', sa.String(length=2), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('issuing_state', sa.String(length=3), nullable=True),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('mrz_raw', sa.String(length=140), nullable=True),
    sa.Column('mrz_format', sa.String(length=8), nullable=True),
    sa.Column('mrz_valid', sa.Boolean(), nullable=True),
    sa.Column('image_refs', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_identity_documents_person_id_persons')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_identity_documents_post_id_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_documents'))
    )
    with op.batch_alter_table('identity_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_documents_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index('ix_identity_documents_number', ['number'], unique=False)
        batch_op.create_index('ix_identity_documents_number_state', ['number', 'issuing_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_documents_person_id'), ['person_id'], unique=False)

    op.create_table('crossings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('post_id', sa.String(length=36), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=36), nullable=True),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('crossed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('transport_mode', sa.String(length=16), nullable=True),
    sa.Column('origin', sa.String(length=200), nullable=True),
    sa.Column('destination', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.String(length=16), nullable=True),
    sa.Column('group_size', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by', sa.String(length=36), nullable=True),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['identity_documents.id'],
                            name=op.f('fk_crossings_document_id_identity_documents')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_crossings_person_id_persons')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_crossings_post_id_posts')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_crossings_recorded_by_users')),
    sa.ForeignKeyConstraint(['voided_by'], ['users.id'], name=op.f('fk_crossings_voided_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crossings'))
    )
    with op.batch_alter_table('crossings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crossings_change_seq'), ['change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_crossings_crossed_at'), ['crossed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_crossings_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crossings_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('crossings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crossings_person_id'))
        batch_op.drop_index(batch_op.f('ix_crossings_document_id'))
        batch_op.drop_index(batch_op.f('ix_crossings_crossed_at'))
        batch_op.drop_index(batch_op.f('ix_crossings_change_seq'))

    op.drop_table('crossings')
    with op.batch_alter_table('identity_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_documents_person_id'))
        batch_op.drop_index('ix_identity_documents_number_state')
        batch_op.drop_index('ix_identity_documents_number')
        batch_op.drop_index(batch_op.f('ix_identity_documents_change_seq'))

    op.drop_table('identity_documents')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_change_seq'))

    op.drop_table('users')
    with op.batch_alter_table('tombstones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tombstones_change_seq'))

    op.drop_table('tombstones')
    op.drop_table('post_counters')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_search_key'))
        batch_op.drop_index('ix_persons_names')
        batch_op.drop_index(batch_op.f('ix_persons_change_seq'))

    op.drop_table('persons')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_post_seq')

    op.drop_table('audit_log')
    op.drop_table('posts')
