-- Satchel wallet schema, version 1.
--
-- Times are Unix microseconds (UTC), NULL when unknown. A credential's
-- metadata lives in `credentials`, small rows that lists and searches read;
-- the bytes as received and the last report live in `credential_data`, read
-- only when one credential is opened.

CREATE TABLE credentials (
	id              INTEGER PRIMARY KEY,
	-- sort orders every list, largest first: the issued date's second
	-- times 2^24, plus a count of the credentials issued in that same
	-- second before this one, so newest issued comes first and, within a
	-- second, the most recently added. Credentials without an issued date
	-- share the lowest second. The full-text index and skill_terms are
	-- keyed by it, so a search reads its matches already in order.
	sort            INTEGER NOT NULL UNIQUE,
	digest          BLOB    NOT NULL UNIQUE CHECK (length(digest) = 32),
	credential_id   TEXT    UNIQUE,          -- NULL when the credential has no id
	format          TEXT    NOT NULL,
	container       TEXT    NOT NULL,
	issuer_id       TEXT    NOT NULL,
	issuer_name     TEXT    NOT NULL,
	types           BLOB,                    -- see codec.go; NULL when empty
	kind            TEXT    NOT NULL CHECK (kind IN ('college', 'adult-school', 'apprenticeship', 'military', 'other')),
	title           TEXT    NOT NULL,
	description     TEXT    NOT NULL,
	issued          INTEGER,
	expires         INTEGER,
	skills          BLOB,                    -- see codec.go; NULL when empty
	credits         BLOB,                    -- see codec.go; NULL when empty
	status          TEXT    NOT NULL CHECK (status IN ('unchecked', 'verified', 'failed')),
	verified_at     INTEGER,
	kept_unverified INTEGER NOT NULL CHECK (kept_unverified IN (0, 1)),
	added           INTEGER
);

CREATE INDEX credentials_kind   ON credentials (kind, sort);
CREATE INDEX credentials_issuer ON credentials (issuer_id, sort);

CREATE TABLE credential_data (
	credential INTEGER PRIMARY KEY REFERENCES credentials (id) ON DELETE CASCADE,
	raw        BLOB NOT NULL,
	report     BLOB
);

-- Skill names and codes, lower-cased, for the skill filter, in list order.
CREATE TABLE skill_terms (
	term       TEXT    NOT NULL,
	sort       INTEGER NOT NULL,
	credential INTEGER NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
	PRIMARY KEY (term, sort)
) WITHOUT ROWID;
CREATE INDEX skill_terms_credential ON skill_terms (credential);

-- Full-text index; rowid = credentials.sort. The store writes it with its
-- credential and deletes it with it (metadata never changes in between).
-- Contentless: it holds the index, not a second copy of the text.
CREATE VIRTUAL TABLE credentials_fts USING fts5 (
	title, issuer, description, skills, courses,
	content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);

CREATE TABLE portfolios (
	id      INTEGER PRIMARY KEY,
	name    TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (name != ''),
	created INTEGER
);

-- A credential in a portfolio cannot be deleted (RESTRICT): the learner
-- takes it out first, so no portfolio loses an item unnoticed.
CREATE TABLE portfolio_items (
	portfolio  INTEGER NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
	credential INTEGER NOT NULL REFERENCES credentials (id) ON DELETE RESTRICT,
	position   INTEGER NOT NULL,
	note       TEXT    NOT NULL,
	PRIMARY KEY (portfolio, credential)
) WITHOUT ROWID;
CREATE INDEX portfolio_items_credential ON portfolio_items (credential);

CREATE TABLE cache (
	id      INTEGER PRIMARY KEY,
	kind    TEXT NOT NULL CHECK (kind IN ('did-document', 'status-list')),
	key     TEXT NOT NULL,
	data    BLOB NOT NULL,
	fetched INTEGER,
	UNIQUE (kind, key)
);

CREATE TABLE holder_keys (
	id      INTEGER PRIMARY KEY,
	did     TEXT NOT NULL UNIQUE,
	sealed  BLOB NOT NULL,
	created INTEGER
);

-- AUTOINCREMENT: ids are never reused, so they order the queue.
CREATE TABLE sync_queue (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	kind         TEXT    NOT NULL,
	payload      BLOB    NOT NULL,
	enqueued     INTEGER,
	state        TEXT    NOT NULL CHECK (state IN ('pending', 'done', 'abandoned')),
	attempts     INTEGER NOT NULL,
	last_error   TEXT    NOT NULL,
	last_attempt INTEGER,
	finished     INTEGER
);
CREATE INDEX sync_queue_state ON sync_queue (state, id);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
