-- Satchel issuer schema, version 1 (SQLite).
--
-- Times are Unix microseconds (UTC), NULL for the zero time. Byte columns
-- hold NULL for an empty value. Rows that are listed "in the order added"
-- carry an INTEGER PRIMARY KEY n, which SQLite assigns in insertion order.
-- issuer/store/postgres/migrations holds the same schema for PostgreSQL:
-- change both together.

CREATE TABLE institutions (
	slug    TEXT PRIMARY KEY,
	kind    TEXT NOT NULL,
	name    TEXT NOT NULL,
	did     TEXT UNIQUE,          -- NULL when empty, so two empty DIDs do not clash
	profile BLOB,
	format  TEXT NOT NULL,
	created INTEGER
) WITHOUT ROWID;

-- owner '' is the service itself, so it cannot reference institutions:
-- the store checks it. At most one key of an owner is active.
CREATE TABLE keys (
	n       INTEGER PRIMARY KEY,
	owner   TEXT    NOT NULL,
	id      TEXT    NOT NULL,
	type    TEXT    NOT NULL,
	public_jwk BLOB,
	sealed  BLOB,
	active  INTEGER NOT NULL CHECK (active IN (0, 1)),
	created INTEGER,
	retired INTEGER,
	UNIQUE (owner, id)
);
CREATE UNIQUE INDEX keys_one_active ON keys (owner) WHERE active;

CREATE TABLE tokens (
	hash        BLOB PRIMARY KEY,
	institution TEXT NOT NULL REFERENCES institutions (slug),
	label       TEXT NOT NULL,
	created     INTEGER
);

CREATE TABLE equivalency_tables (
	n           INTEGER PRIMARY KEY,
	institution TEXT NOT NULL REFERENCES institutions (slug),
	table_id    TEXT NOT NULL,
	version     TEXT NOT NULL,
	body        BLOB,
	uploaded    INTEGER,
	UNIQUE (institution, table_id, version)
);
CREATE INDEX equivalency_tables_list ON equivalency_tables (institution, table_id, n);

CREATE TABLE learners (
	institution TEXT NOT NULL REFERENCES institutions (slug),
	id          TEXT NOT NULL,
	body        BLOB,
	did         TEXT,             -- NULL when never set
	updated     INTEGER,
	PRIMARY KEY (institution, id)
) WITHOUT ROWID;

-- idempotency_key is NULL when empty: batches without one never clash.
CREATE TABLE batches (
	id              TEXT PRIMARY KEY,
	institution     TEXT    NOT NULL REFERENCES institutions (slug),
	idempotency_key TEXT,
	request_hash    BLOB,
	response        BLOB,
	records         INTEGER NOT NULL,
	created         INTEGER,
	UNIQUE (institution, idempotency_key)
);

CREATE TABLE status_lists (
	n           INTEGER PRIMARY KEY,
	id          TEXT    NOT NULL UNIQUE,
	institution TEXT    NOT NULL REFERENCES institutions (slug),
	purpose     TEXT    NOT NULL,
	size        INTEGER NOT NULL CHECK (size > 0),
	reserved    INTEGER NOT NULL DEFAULT 0,
	version     INTEGER NOT NULL DEFAULT 0,
	created     INTEGER
);
CREATE INDEX status_lists_purpose ON status_lists (institution, purpose, created, n);

-- The newest signed status list credential of each list.
CREATE TABLE list_credentials (
	list    TEXT    PRIMARY KEY REFERENCES status_lists (id),
	version INTEGER NOT NULL,
	body    BLOB,
	signed  INTEGER
) WITHOUT ROWID;

CREATE TABLE credentials (
	n           INTEGER PRIMARY KEY,  -- issue order
	id          TEXT    NOT NULL UNIQUE,
	institution TEXT    NOT NULL REFERENCES institutions (slug),
	learner     TEXT    NOT NULL,
	record      TEXT    NOT NULL,
	kind        TEXT    NOT NULL,
	format      TEXT    NOT NULL,
	subject     TEXT    NOT NULL,
	body        BLOB,
	record_body BLOB,
	mapping     BLOB,
	batch       TEXT    NOT NULL,
	reason      TEXT    NOT NULL DEFAULT '',
	status_changed INTEGER,           -- when the reason was last recorded
	issued      INTEGER
);
CREATE INDEX credentials_institution ON credentials (institution, learner, n);
CREATE INDEX credentials_batch       ON credentials (batch, n) WHERE batch != '';
CREATE INDEX credentials_record      ON credentials (record, n) WHERE record != '';

-- One row per reserved index. credential is NULL while the index is only
-- reserved; pos is the entry's place in the credential's Status.
CREATE TABLE status_entries (
	list       TEXT    NOT NULL REFERENCES status_lists (id),
	idx        INTEGER NOT NULL,
	credential TEXT    REFERENCES credentials (id),
	pos        INTEGER,
	is_set     INTEGER NOT NULL DEFAULT 0 CHECK (is_set IN (0, 1)),
	PRIMARY KEY (list, idx)
) WITHOUT ROWID;
CREATE INDEX status_entries_credential ON status_entries (credential, pos) WHERE credential IS NOT NULL;
CREATE INDEX status_entries_set        ON status_entries (list, idx) WHERE is_set = 1;

CREATE TABLE offers (
	code_hash     BLOB PRIMARY KEY,
	institution   TEXT NOT NULL REFERENCES institutions (slug),
	learner       TEXT NOT NULL,
	tx_code_hash  BLOB,
	expires       INTEGER,
	state         TEXT NOT NULL CHECK (state IN ('offered', 'redeemed', 'delivered')),
	token_hash    BLOB UNIQUE,
	nonce         TEXT NOT NULL DEFAULT '',
	token_expires INTEGER,
	redeemed      INTEGER,
	created       INTEGER
);

CREATE TABLE offer_credentials (
	code_hash  BLOB    NOT NULL REFERENCES offers (code_hash),
	credential TEXT    NOT NULL,
	pos        INTEGER NOT NULL,
	delivered  TEXT,                  -- NULL until delivered
	delivered_at INTEGER,
	PRIMARY KEY (code_hash, credential)
) WITHOUT ROWID;

-- The audit log: AUTOINCREMENT so that a sequence number is never reused,
-- and triggers so that no statement, the store's or anyone's, changes or
-- removes an entry.
CREATE TABLE audit (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	at          INTEGER NOT NULL,
	actor       TEXT    NOT NULL,
	action      TEXT    NOT NULL,
	institution TEXT    NOT NULL,
	subject     TEXT    NOT NULL,
	request     TEXT    NOT NULL,
	detail      TEXT    NOT NULL
);
CREATE INDEX audit_institution ON audit (institution, seq);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be removed');
END;
