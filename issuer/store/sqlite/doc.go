// Package sqlite keeps the issuer service's state in one SQLite file
// (modernc.org/sqlite, pure Go): the store.Store of a single-machine
// deployment, and the default of `issuer serve --db sqlite:PATH`.
//
// The file is in WAL mode with foreign keys on, synchronous=FULL and a busy
// timeout. All writes go through one connection, which a write transaction
// holds from BEGIN IMMEDIATE to COMMIT; writers in this process queue for
// it, and writers in other processes wait for SQLite's lock, so status-list
// indices, offer codes and deliveries are handed out once. Reads use a pool
// of read-only connections and, thanks to WAL, never wait for a writer.
// Every write method runs in a transaction of its own, or in a savepoint
// inside Store.Tx, so a method that fails changes nothing; one that makes
// a single change relies on the statement's own atomicity instead. When
// SQLite ends a Tx's transaction by itself (a write interrupted by its
// context, a full disk), the rest of the Tx is refused and Tx fails, so
// that nothing runs outside the transaction.
//
// The schema is a series of numbered migrations embedded in the binary
// (migrations/NNNN_name.sql); the file records its version in PRAGMA
// user_version and marks itself as an issuer database with PRAGMA
// application_id. Open applies the missing migrations in one transaction
// and refuses a file written by a newer version (ErrNewerSchema) or a
// database that is not the issuer's. Triggers make the audit table
// append-only against any SQL, not only this package's.
//
// It holds no business rules: mapping, signing and status-list allocation
// policy live in package issuer.
package sqlite
