// Package sqlitestore keeps the wallet in one SQLite file (modernc.org/sqlite,
// pure Go): the wallet.Store the app and the wallet command use.
//
// The file is in WAL mode with foreign keys on, synchronous=FULL and a busy
// timeout; every transaction takes the write lock when it begins, so two
// processes sharing a wallet wait for each other rather than fail. The
// schema is a series of numbered migrations embedded in the binary
// (migrations/NNNN_name.sql) and recorded in schema_migrations; Open applies
// the missing ones in one transaction, and refuses a file written by a newer
// version (ErrNewerSchema). A wallet that is up to date opens with one small
// read.
//
// Credential metadata sits in small rows indexed for the list order
// (issued date, newest first) and the kind and issuer filters; the bytes as
// received and the last report sit in a table of their own, read only when
// one credential is opened. Full-text search is an FTS5 index (contentless,
// accents folded, prefix indexes) written and deleted in the same
// transaction as its credential. Every write method runs in a transaction,
// or in a savepoint inside Store.Tx, so that a failed method changes
// nothing.
//
// It is not a general-purpose database layer and holds no wallet logic:
// verification, import and presentation live in package wallet.
package sqlitestore
