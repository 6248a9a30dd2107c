"""The coordination database, first version: posts and their keys, the import log, the
received counter ranges, the whitelisted data (crossings partitioned by month), the
health section readable only by ``hhbm_health``, and the three roles' GRANTs.

Revision ID: c0001
Revises:
"""

from __future__ import annotations

from alembic import op

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = r"""
CREATE TABLE database_info (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    demo boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE posts (
    post_id text PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    pcode text NOT NULL DEFAULT '',
    signing_key_id text NOT NULL,
    public_keys jsonb NOT NULL,
    demo boolean NOT NULL DEFAULT false,
    revoked_at timestamptz,
    registered_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    last_seq bigint NOT NULL DEFAULT 0,
    last_import_at timestamptz,
    last_bundle text,
    last_created_at timestamptz,
    clock_skew_s double precision,
    newest_record_at timestamptz
);
CREATE INDEX posts_pcode ON posts (pcode);

CREATE TABLE post_keys (
    key_id text PRIMARY KEY,
    post_id text NOT NULL REFERENCES posts (post_id),
    purpose text NOT NULL,
    public_key bytea NOT NULL,
    status text NOT NULL CHECK (status IN ('current', 'retired')),
    added_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_keys_post ON post_keys (post_id);

CREATE TABLE imports (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    bundle text NOT NULL,
    sha256 text,
    status text NOT NULL CHECK (status IN ('imported', 'already_imported', 'rejected')),
    reason_code text,
    post_id text,
    from_seq bigint,
    to_seq bigint,
    "full" boolean,
    counts jsonb,
    rows_changed bigint,
    created_at timestamptz,
    clock_skew_s double precision,
    duration_ms integer
);
CREATE INDEX imports_at ON imports (at);
CREATE INDEX imports_sha ON imports (sha256) WHERE status = 'imported';
CREATE INDEX imports_post ON imports (post_id, at);

CREATE TABLE received_ranges (
    post_id text NOT NULL REFERENCES posts (post_id),
    from_seq bigint NOT NULL,
    to_seq bigint NOT NULL,
    import_id bigint NOT NULL REFERENCES imports (id),
    PRIMARY KEY (post_id, from_seq, to_seq, import_id),
    CHECK (from_seq < to_seq)
);

CREATE TABLE persons (
    id text PRIMARY KEY,
    post_id text NOT NULL,
    change_seq bigint NOT NULL,
    surname text NOT NULL,
    given_names text,
    sex text,
    birth_date text,
    birth_date_approximate boolean,
    nationality text,
    identity_declared boolean,
    created_at timestamptz
);
CREATE INDEX persons_post ON persons (post_id, change_seq);
CREATE INDEX persons_nationality ON persons (nationality);

CREATE TABLE documents (
    id text PRIMARY KEY,
    post_id text NOT NULL,
    change_seq bigint NOT NULL,
    person_id text,
    doc_type text,
    document_code text,
    number text,
    issuing_state text,
    expiry_date date,
    mrz_format text,
    mrz_valid boolean
);
CREATE INDEX documents_post ON documents (post_id, change_seq);
CREATE INDEX documents_number ON documents (number);
CREATE INDEX documents_person ON documents (person_id);

-- Crossings: partitioned by month of crossed_at; the import creates the partitions it
-- needs (ensure_crossing_partition). crossing_versions is the one row per crossing id
-- (all partitions together): it decides newer/older and finds a row whose month moved.
CREATE TABLE crossings (
    id text NOT NULL,
    post_id text NOT NULL,
    change_seq bigint NOT NULL,
    person_id text,
    document_id text,
    direction text,
    crossed_at timestamptz NOT NULL,
    transport_mode text,
    origin text,
    destination text,
    reason text,
    group_size integer,
    recorded_at timestamptz,
    voided boolean,
    void_reason text,
    confirmed_invalid boolean,
    confirmed_expired boolean,
    PRIMARY KEY (id, crossed_at)
) PARTITION BY RANGE (crossed_at);
CREATE INDEX crossings_post_day ON crossings (post_id, crossed_at);
CREATE INDEX crossings_day ON crossings (crossed_at, post_id, direction);
CREATE INDEX crossings_person ON crossings (person_id);
CREATE INDEX crossings_document ON crossings (document_id);

CREATE TABLE crossing_versions (
    id text PRIMARY KEY,
    post_id text NOT NULL,
    change_seq bigint NOT NULL,
    crossed_at timestamptz NOT NULL
);
CREATE INDEX crossing_versions_post ON crossing_versions (post_id, change_seq);

CREATE TABLE screenings (
    id text PRIMARY KEY,
    post_id text NOT NULL,
    change_seq bigint NOT NULL,
    person_id text,
    crossing_id text,
    screened_at timestamptz,
    outcome text,
    protocol_versions jsonb,
    voided boolean
);
CREATE INDEX screenings_post ON screenings (post_id, screened_at);
CREATE INDEX screenings_crossing ON screenings (crossing_id);

-- The health section: answers and medical details, readable only by hhbm_health.
CREATE TABLE health (
    id text PRIMARY KEY,
    post_id text NOT NULL,
    change_seq bigint NOT NULL,
    answers jsonb,
    temperature_c double precision,
    temperature_method text,
    fired jsonb,
    actions jsonb,
    referral_destination text,
    referral_notes text,
    certificate jsonb
);
CREATE INDEX health_post ON health (post_id);

CREATE TABLE slips (
    id text PRIMARY KEY,
    post_id text NOT NULL,
    change_seq bigint NOT NULL,
    serial text,
    crossing_id text,
    screening_id text,
    kind text,
    size text,
    issued_at timestamptz,
    duplicate boolean,
    original_id text,
    copy_no integer
);
CREATE INDEX slips_post ON slips (post_id, change_seq);
CREATE INDEX slips_crossing ON slips (crossing_id);

CREATE TABLE tombstones (
    id text PRIMARY KEY,
    post_id text NOT NULL,
    change_seq bigint NOT NULL,
    entity text,
    entity_id text NOT NULL,
    deleted_at timestamptz
);
CREATE INDEX tombstones_entity ON tombstones (entity_id);

CREATE TABLE audit (
    id text PRIMARY KEY,
    post_id text NOT NULL,
    seq bigint NOT NULL,
    at timestamptz,
    user_id text,
    action text,
    entity text,
    entity_id text
);
CREATE INDEX audit_post ON audit (post_id, seq);

-- Creates the month's partition of crossings if it is missing. SECURITY DEFINER: the
-- import role may add partitions without owning the table.
CREATE FUNCTION ensure_crossing_partition(month date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    first date := date_trunc('month', month)::date;
    name text := format('crossings_y%sm%s', to_char(first, 'YYYY'), to_char(first, 'MM'));
BEGIN
    IF to_regclass(format('public.%I', name)) IS NULL THEN
        EXECUTE format('CREATE TABLE public.%I PARTITION OF public.crossings FOR VALUES FROM (%L) TO (%L)',
                       name, first::timestamp AT TIME ZONE 'UTC',
                       (first + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    END IF;
END $$;
REVOKE ALL ON FUNCTION ensure_crossing_partition(date) FROM PUBLIC;
"""

ROLES = r"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hhbm_import') THEN
        CREATE ROLE hhbm_import NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hhbm_coordination') THEN
        CREATE ROLE hhbm_coordination NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hhbm_health') THEN
        CREATE ROLE hhbm_health NOLOGIN;
    END IF;
END $$;
"""

GRANTS = r"""
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO hhbm_import;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO hhbm_import;
GRANT EXECUTE ON FUNCTION ensure_crossing_partition(date) TO hhbm_import;
GRANT SELECT ON database_info, posts, post_keys, imports, received_ranges, persons, documents, crossings,
    crossing_versions, screenings, slips, tombstones, audit TO hhbm_coordination;
GRANT SELECT ON database_info, posts, post_keys, imports, received_ranges, persons, documents, crossings,
    crossing_versions, screenings, slips, tombstones, audit, health TO hhbm_health;
REVOKE ALL ON health FROM hhbm_coordination;
"""


def upgrade() -> None:
    op.execute(TABLES)
    op.execute(ROLES)
    op.execute(GRANTS)


def downgrade() -> None:  # pragma: no cover - a coordination database is not downgraded
    raise NotImplementedError("the coordination database is not downgraded")
