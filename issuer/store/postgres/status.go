package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/satchel-wallet/satchel/issuer/store"
)

const listColumns = "id, institution, purpose, size, reserved, version, created"

func scanList(row pgx.Row) (store.StatusList, error) {
	var l store.StatusList
	var created pgtype.Timestamptz
	err := row.Scan(&l.ID, &l.Institution, &l.Purpose, &l.Size, &l.Reserved, &l.Version, &created)
	l.Created = goTime(created)
	return l, err
}

func (o ops) AddStatusList(ctx context.Context, l store.StatusList) error {
	return o.write1(ctx, "add status list "+l.ID, func(o ops) error {
		if l.Size <= 0 {
			return fmt.Errorf("size %d: %w", l.Size, store.ErrInvalid)
		}
		_, err := o.db.Exec(ctx, "INSERT INTO status_lists (id, institution, purpose, size, created) VALUES ($1, $2, $3, $4, $5)",
			l.ID, l.Institution, l.Purpose, l.Size, dbTime(l.Created))
		return constraint(err, "list ID")
	})
}

func (o ops) StatusList(ctx context.Context, id string) (store.StatusList, error) {
	l, err := scanList(o.db.QueryRow(ctx, "SELECT "+listColumns+" FROM status_lists WHERE id = $1", id))
	if err != nil {
		return store.StatusList{}, fmt.Errorf("status list %s: %w", id, notFound(err, "no such list"))
	}
	return l, nil
}

func (o ops) StatusLists(ctx context.Context, institution, purpose string) ([]store.StatusList, error) {
	rows, err := o.db.Query(ctx, "SELECT "+listColumns+" FROM status_lists WHERE institution = $1 AND purpose = $2 ORDER BY created, n", institution, purpose)
	if err != nil {
		return nil, fmt.Errorf("%s lists of %s: %w", purpose, institution, err)
	}
	defer rows.Close()
	var out []store.StatusList
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return nil, fmt.Errorf("%s lists of %s: %w", purpose, institution, err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s lists of %s: %w", purpose, institution, err)
	}
	return out, nil
}

// lockList locks a status list's row to the end of the transaction and
// returns its size. Writers that hand out indices or change bits of one
// list take turns on it: the reserved count and the version stay exact,
// and, taking it first, they never wait for each other in a cycle.
func (o ops) lockList(ctx context.Context, list string) (int64, error) {
	var size int64
	err := o.db.QueryRow(ctx, "SELECT size FROM status_lists WHERE id = $1 FOR UPDATE", list).Scan(&size)
	return size, notFound(err, "no such list")
}

func (o ops) ReserveIndices(ctx context.Context, list string, candidates []int64) ([]int64, error) {
	var out []int64
	err := o.write(ctx, "reserve indices in "+list, func(o ops) error {
		out = nil
		size, err := o.lockList(ctx, list)
		if err != nil {
			return err
		}
		var want []int64
		seen := map[int64]bool{}
		for _, c := range candidates {
			if c >= 0 && c < size && !seen[c] {
				seen[c] = true
				want = append(want, c)
			}
		}
		if len(want) == 0 {
			return nil
		}
		rows, err := o.db.Query(ctx, `INSERT INTO status_entries (list, idx) SELECT $1, unnest($2::bigint[])
			ON CONFLICT DO NOTHING RETURNING idx`, list, want)
		if err != nil {
			return err
		}
		got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if len(got) == 0 {
			return nil
		}
		// RETURNING has no order: give them back in the order asked.
		reserved := map[int64]bool{}
		for _, i := range got {
			reserved[i] = true
		}
		for _, c := range want {
			if reserved[c] {
				out = append(out, c)
			}
		}
		_, err = o.db.Exec(ctx, "UPDATE status_lists SET reserved = reserved + $1 WHERE id = $2", int64(len(out)), list)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (o ops) SetIndices(ctx context.Context, list string) ([]int64, int64, error) {
	// One statement, so one snapshot: the bits and the version agree.
	var set []int64
	var version int64
	err := o.db.QueryRow(ctx, `SELECT l.version,
		(SELECT array_agg(e.idx ORDER BY e.idx) FROM status_entries e WHERE e.list = l.id AND e.is_set)
		FROM status_lists l WHERE l.id = $1`, list).Scan(&version, &set)
	if err != nil {
		return nil, 0, fmt.Errorf("set indices of %s: %w", list, notFound(err, "no such list"))
	}
	return set, version, nil
}

func (o ops) PutListCredential(ctx context.Context, list string, version int64, body []byte, signed time.Time) error {
	return o.write1(ctx, fmt.Sprintf("store status list credential %s version %d", list, version), func(o ops) error {
		// An older version than the stored one is ignored: two instances
		// may sign the list at once and finish in either order.
		_, err := o.db.Exec(ctx, `INSERT INTO list_credentials (list, version, body, signed) VALUES ($1, $2, $3, $4)
			ON CONFLICT (list) DO UPDATE SET version = excluded.version, body = excluded.body, signed = excluded.signed
			WHERE excluded.version >= list_credentials.version`,
			list, version, blob(body), dbTime(signed))
		return constraint(err, "list")
	})
}

func (o ops) ListCredential(ctx context.Context, list string) ([]byte, int64, error) {
	var body []byte
	var version int64
	err := o.db.QueryRow(ctx, "SELECT body, version FROM list_credentials WHERE list = $1", list).Scan(&body, &version)
	if err != nil {
		return nil, 0, fmt.Errorf("status list credential %s: %w", list, notFound(err, "none stored"))
	}
	return bytesOf(body), version, nil
}

func (o ops) AddCredential(ctx context.Context, c store.Credential) error {
	write := o.write
	if len(c.Status) == 0 {
		write = o.write1 // the INSERT only
	}
	return write(ctx, "add credential "+c.ID, func(o ops) error {
		_, err := o.db.Exec(ctx, `INSERT INTO credentials (id, institution, learner, record, kind, format, subject, body, record_body, mapping, batch, issued)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			c.ID, c.Institution, c.Learner, c.Record, c.Kind, c.Format, c.Subject, blob(c.Body), blob(c.RecordBody), blob(c.Mapping), c.Batch, dbTime(c.Issued))
		if err != nil {
			return constraint(err, "credential ID")
		}
		for i, e := range c.Status {
			// One entry per purpose, so that SetStatus knows which bit
			// to change.
			for _, prev := range c.Status[:i] {
				if prev.Purpose == e.Purpose {
					return fmt.Errorf("status entry %d: a second entry for %q: %w", i, e.Purpose, store.ErrInvalid)
				}
			}
			// Of two transactions using one index, the second waits for
			// the first's row lock, then finds the row taken.
			// The list's checks are in the statement: one round trip
			// when all is well, and badEntry finds out what is not.
			n, err := o.changed(ctx, `UPDATE status_entries SET credential = $1, pos = $2
				WHERE list = $3 AND idx = $4 AND credential IS NULL
				AND EXISTS (SELECT 1 FROM status_lists l WHERE l.id = $3 AND l.institution = $5 AND l.purpose = $6)`,
				c.ID, i, e.List, e.Index, c.Institution, e.Purpose)
			if err != nil {
				return err
			}
			if n == 0 {
				return o.badEntry(ctx, i, e, c.Institution)
			}
		}
		return nil
	})
}

// badEntry says why a credential's i'th status entry e could not be used.
func (o ops) badEntry(ctx context.Context, i int, e store.StatusEntry, institution string) error {
	var inst, purpose string
	err := o.db.QueryRow(ctx, "SELECT institution, purpose FROM status_lists WHERE id = $1", e.List).Scan(&inst, &purpose)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("status entry %d: no list %q: %w", i, e.List, store.ErrInvalid)
	case err != nil:
		return err
	case inst != institution:
		return fmt.Errorf("status entry %d: list %s is another institution's: %w", i, e.List, store.ErrInvalid)
	case e.Purpose != purpose:
		return fmt.Errorf("status entry %d: purpose %q, but list %s is for %q: %w", i, e.Purpose, e.List, purpose, store.ErrInvalid)
	}
	return fmt.Errorf("status entry %d: index %d of list %s is not reserved, or is another credential's: %w", i, e.Index, e.List, store.ErrInvalid)
}

// credentialColumns are read by scanCredential. The status entries come as
// one JSON array per credential, in their order, so that a list of
// credentials is one query (and one snapshot).
const credentialColumns = `c.id, c.institution, c.learner, c.record, c.kind, c.format, c.subject, c.body, c.record_body, c.mapping,
	c.batch, c.reason, c.issued,
	(SELECT json_agg(json_build_object('l', e.list, 'p', l.purpose, 'i', e.idx, 's', e.is_set) ORDER BY e.pos)
		FROM status_entries e JOIN status_lists l ON l.id = e.list WHERE e.credential = c.id)`

func scanCredential(row pgx.Row) (store.Credential, error) {
	var c store.Credential
	var issued pgtype.Timestamptz
	var status []byte
	if err := row.Scan(&c.ID, &c.Institution, &c.Learner, &c.Record, &c.Kind, &c.Format, &c.Subject, &c.Body, &c.RecordBody, &c.Mapping,
		&c.Batch, &c.Reason, &issued, &status); err != nil {
		return store.Credential{}, err
	}
	c.Body, c.RecordBody, c.Mapping, c.Issued = bytesOf(c.Body), bytesOf(c.RecordBody), bytesOf(c.Mapping), goTime(issued)
	if status == nil { // no entries: json_agg of no rows is NULL
		return c, nil
	}
	var entries []struct {
		L string `json:"l"`
		P string `json:"p"`
		I int64  `json:"i"`
		S bool   `json:"s"`
	}
	if err := json.Unmarshal(status, &entries); err != nil {
		return store.Credential{}, fmt.Errorf("credential %s: status entries: %w", c.ID, err)
	}
	for _, e := range entries {
		c.Status = append(c.Status, store.StatusEntry{List: e.L, Purpose: e.P, Index: e.I, Set: e.S})
	}
	return c, nil
}

func (o ops) Credential(ctx context.Context, id string) (store.Credential, error) {
	c, err := scanCredential(o.db.QueryRow(ctx, "SELECT "+credentialColumns+" FROM credentials c WHERE c.id = $1", id))
	if err != nil {
		return store.Credential{}, fmt.Errorf("credential %s: %w", id, notFound(err, "no such credential"))
	}
	return c, nil
}

func (o ops) Credentials(ctx context.Context, q store.CredentialQuery) ([]store.Credential, error) {
	// Only the filters asked for are in the query, so that the planner
	// picks the index that fits them.
	var where []string
	var args []any
	for _, f := range []struct{ col, v string }{
		{"institution", q.Institution}, {"learner", q.Learner}, {"record", q.Record}, {"batch", q.Batch}, {"kind", q.Kind},
	} {
		if f.v != "" {
			args = append(args, f.v)
			where = append(where, "c."+f.col+" = $"+strconv.Itoa(len(args)))
		}
	}
	query := "SELECT " + credentialColumns + " FROM credentials c"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, limit(q.Limit))
	query += " ORDER BY c.n LIMIT $" + strconv.Itoa(len(args))
	rows, err := o.db.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list credentials: %w", err)
	}
	defer rows.Close()
	var out []store.Credential
	for rows.Next() {
		c, err := scanCredential(rows)
		if err != nil {
			return nil, fmt.Errorf("list credentials: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list credentials: %w", err)
	}
	return out, nil
}

func (o ops) SetStatus(ctx context.Context, credential, purpose string, on bool, reason string, at time.Time) error {
	what := "unrevoke"
	switch {
	case on && purpose == store.PurposeRevocation:
		what = "revoke"
	case on:
		what = "set " + purpose + " of"
	case purpose != store.PurposeRevocation:
		what = "clear " + purpose + " of"
	}
	return o.write(ctx, what+" "+credential, func(o ops) error {
		var list string
		var idx int64
		err := o.db.QueryRow(ctx, `SELECT e.list, e.idx FROM status_entries e JOIN status_lists l ON l.id = e.list
			WHERE e.credential = $1 AND l.purpose = $2`, credential, purpose).Scan(&list, &idx)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("no such credential, or it has no %s entry: %w", purpose, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		// The list first, as ReserveIndices does: changes of one list's
		// bits take turns, so each counts once in its version.
		if _, err := o.lockList(ctx, list); err != nil {
			return err
		}
		n, err := o.changed(ctx, "UPDATE status_entries SET is_set = $1 WHERE list = $2 AND idx = $3 AND is_set <> $1", on, list, idx)
		if err != nil {
			return err
		}
		if n == 1 {
			if _, err := o.db.Exec(ctx, "UPDATE status_lists SET version = version + 1 WHERE id = $1", list); err != nil {
				return err
			}
		}
		_, err = o.db.Exec(ctx, "UPDATE credentials SET reason = $1, status_changed = $2 WHERE id = $3", reason, dbTime(at), credential)
		return err
	})
}
