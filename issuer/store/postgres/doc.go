// Package postgres keeps the issuer service's state in PostgreSQL
// (github.com/jackc/pgx/v5): the store.Store of a state-wide deployment in
// which several service instances share one database
// (`issuer serve --db postgres://...`).
//
// Open applies the embedded, numbered migrations (migrations/NNNN_name.sql,
// recorded in satchel_issuer_migrations) in one transaction under an
// advisory lock, so instances starting together migrate once, and refuses
// a database whose schema is newer than the code (ErrNewerSchema).
//
// Each write method runs in a transaction of its own, or in a savepoint
// inside Store.Tx, so that a method that fails changes nothing and leaves
// the transaction usable. Writes that hand something out once take row
// locks or rely on unique constraints, so they stay correct across
// connections and instances: ReserveIndices and SetStatus lock the status
// list row, DeliverCredential the offer row; RedeemOffer and AddCredential
// update only rows still in the state they expect; AddKey takes an advisory
// lock per owner so that one key stays active. A trigger refuses every
// UPDATE, DELETE and TRUNCATE of the audit table, whoever sends it.
//
// The trigger binds whoever does not own the tables: the table owner (or
// a superuser) can still drop it, so a deployment runs the service as a
// role that does not own the schema when the log must hold against
// operators too.
//
// Package pgtest starts a throw-away PostgreSQL for this package's tests.
// The package holds no business rules: those live in package issuer.
package postgres
