-- Satchel issuer schema, version 1 (PostgreSQL).
--
-- The same tables as issuer/store/sqlite/migrations, in PostgreSQL's
-- dialect: change both together. Times are timestamptz (to the
-- microsecond), NULL for the zero time; byte columns hold NULL for an
-- empty value. Rows listed "in the order added" carry an identity column n.

CREATE TABLE institutions (
	slug    text PRIMARY KEY,
	kind    text NOT NULL,
	name    text NOT NULL,
	did     text UNIQUE,          -- NULL when empty, so two empty DIDs do not clash
	profile bytea,
	format  text NOT NULL,
	created timestamptz
);

-- owner '' is the service itself, so it cannot reference institutions:
-- the store checks it. At most one key of an owner is active.
CREATE TABLE keys (
	n          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	owner      text    NOT NULL,
	id         text    NOT NULL,
	type       text    NOT NULL,
	public_jwk bytea,
	sealed     bytea,
	active     boolean NOT NULL,
	created    timestamptz,
	retired    timestamptz,
	UNIQUE (owner, id)
);
CREATE UNIQUE INDEX keys_one_active ON keys (owner) WHERE active;

CREATE TABLE tokens (
	hash        bytea PRIMARY KEY,
	institution text NOT NULL REFERENCES institutions (slug),
	label       text NOT NULL,
	created     timestamptz
);

CREATE TABLE equivalency_tables (
	n           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	institution text NOT NULL REFERENCES institutions (slug),
	table_id    text NOT NULL,
	version     text NOT NULL,
	body        bytea,
	uploaded    timestamptz,
	UNIQUE (institution, table_id, version)
);
CREATE INDEX equivalency_tables_list ON equivalency_tables (institution, table_id, n);

CREATE TABLE learners (
	institution text NOT NULL REFERENCES institutions (slug),
	id          text NOT NULL,
	body        bytea,
	did         text,             -- NULL when never set
	updated     timestamptz,
	PRIMARY KEY (institution, id)
);

-- idempotency_key is NULL when empty: batches without one never clash.
CREATE TABLE batches (
	id              text PRIMARY KEY,
	institution     text    NOT NULL REFERENCES institutions (slug),
	idempotency_key text,
	request_hash    bytea,
	response        bytea,
	records         integer NOT NULL,
	created         timestamptz,
	UNIQUE (institution, idempotency_key)
);

CREATE TABLE status_lists (
	n           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id          text   NOT NULL UNIQUE,
	institution text   NOT NULL REFERENCES institutions (slug),
	purpose     text   NOT NULL,
	size        bigint NOT NULL CHECK (size > 0),
	reserved    bigint NOT NULL DEFAULT 0,
	version     bigint NOT NULL DEFAULT 0,
	created     timestamptz
);
CREATE INDEX status_lists_purpose ON status_lists (institution, purpose, created, n);

-- The newest signed status list credential of each list.
CREATE TABLE list_credentials (
	list    text   PRIMARY KEY REFERENCES status_lists (id),
	version bigint NOT NULL,
	body    bytea,
	signed  timestamptz
);

CREATE TABLE credentials (
	n              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- issue order
	id             text NOT NULL UNIQUE,
	institution    text NOT NULL REFERENCES institutions (slug),
	learner        text NOT NULL,
	record         text NOT NULL,
	kind           text NOT NULL,
	format         text NOT NULL,
	subject        text NOT NULL,
	body           bytea,
	record_body    bytea,
	mapping        bytea,
	batch          text NOT NULL,
	reason         text NOT NULL DEFAULT '',
	status_changed timestamptz,       -- when the reason was last recorded
	issued         timestamptz
);
CREATE INDEX credentials_institution ON credentials (institution, learner, n);
CREATE INDEX credentials_batch       ON credentials (batch, n) WHERE batch <> '';
CREATE INDEX credentials_record      ON credentials (record, n) WHERE record <> '';

-- One row per reserved index. credential is NULL while the index is only
-- reserved; pos is the entry's place in the credential's Status.
CREATE TABLE status_entries (
	list       text    NOT NULL REFERENCES status_lists (id),
	idx        bigint  NOT NULL,
	credential text    REFERENCES credentials (id),
	pos        integer,
	is_set     boolean NOT NULL DEFAULT false,
	PRIMARY KEY (list, idx)
);
CREATE INDEX status_entries_credential ON status_entries (credential, pos) WHERE credential IS NOT NULL;
CREATE INDEX status_entries_set        ON status_entries (list, idx) WHERE is_set;

CREATE TABLE offers (
	code_hash     bytea PRIMARY KEY,
	institution   text  NOT NULL REFERENCES institutions (slug),
	learner       text  NOT NULL,
	tx_code_hash  bytea,
	expires       timestamptz,
	state         text  NOT NULL CHECK (state IN ('offered', 'redeemed', 'delivered')),
	token_hash    bytea UNIQUE,
	nonce         text  NOT NULL DEFAULT '',
	token_expires timestamptz,
	redeemed      timestamptz,
	created       timestamptz
);

CREATE TABLE offer_credentials (
	code_hash    bytea   NOT NULL REFERENCES offers (code_hash),
	credential   text    NOT NULL,
	pos          integer NOT NULL,
	delivered    text,                -- NULL until delivered
	delivered_at timestamptz,
	PRIMARY KEY (code_hash, credential)
);

-- The audit log. seq comes from an identity, so it grows; the trigger
-- refuses every UPDATE, DELETE and TRUNCATE, whoever sends it.
CREATE TABLE audit (
	seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at          timestamptz NOT NULL,
	actor       text NOT NULL,
	action      text NOT NULL,
	institution text NOT NULL,
	subject     text NOT NULL,
	request     text NOT NULL,
	detail      text NOT NULL
);
CREATE INDEX audit_institution ON audit (institution, seq);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END
$$;

-- FOR EACH STATEMENT: refused even when no row matches, and TRUNCATE
-- (which row triggers do not see) too.
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
