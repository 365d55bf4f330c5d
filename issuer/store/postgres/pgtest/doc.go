// Package pgtest gives tests a real PostgreSQL: each test gets a fresh,
// empty database of its own on a server shared by the test binary.
//
// The server is the one $SATCHEL_TEST_POSTGRES names (a DSN whose user may
// CREATE DATABASE), or else a throw-away one this package starts on first
// use: initdb into a temporary directory, then pg_ctl start with a free
// port on 127.0.0.1 and the Unix socket in that directory, durability off
// (fsync=off: the data dies with the test). Main stops it (pg_ctl stop -m
// immediate) and removes the directory when the tests are done. Run as
// root, the server runs as the unprivileged "postgres" user, since initdb
// refuses root.
//
// When no server can be had — PostgreSQL is not installed, or it fails to
// start — NewDatabase skips the test and says why and how to enable it;
// with $SATCHEL_TEST_POSTGRES set, an unreachable server fails the test
// instead, since it was asked for. The package is for tests only.
package pgtest
