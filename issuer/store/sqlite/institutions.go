package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/satchel-wallet/satchel/issuer/store"
)

const institutionColumns = "slug, kind, name, did, profile, format, created"

func scanInstitution(sc interface{ Scan(...any) error }) (store.Institution, error) {
	var in store.Institution
	var did sql.NullString
	var created sql.NullInt64
	err := sc.Scan(&in.Slug, &in.Kind, &in.Name, &did, &in.Profile, &in.Format, &created)
	in.DID, in.Profile, in.Created = did.String, bytesOf(in.Profile), goTime(created)
	return in, err
}

func (o ops) CreateInstitution(ctx context.Context, in store.Institution) error {
	return o.write1(ctx, "create institution "+in.Slug, func(o ops) error {
		_, err := o.exec(ctx, "INSERT INTO institutions ("+institutionColumns+") VALUES (?, ?, ?, ?, ?, ?, ?)",
			in.Slug, in.Kind, in.Name, nullText(in.DID), blob(in.Profile), in.Format, dbTime(in.Created))
		return constraint(err, "slug or DID")
	})
}

func (o ops) Institution(ctx context.Context, slug string) (store.Institution, error) {
	in, err := scanInstitution(o.queryRow(ctx, "SELECT "+institutionColumns+" FROM institutions WHERE slug = ?", slug))
	if err != nil {
		return store.Institution{}, fmt.Errorf("institution %s: %w", slug, notFound(err, "no such institution"))
	}
	return in, nil
}

func (o ops) Institutions(ctx context.Context) ([]store.Institution, error) {
	rows, err := o.query(ctx, "SELECT "+institutionColumns+" FROM institutions ORDER BY slug")
	if err != nil {
		return nil, fmt.Errorf("list institutions: %w", err)
	}
	defer rows.Close()
	var out []store.Institution
	for rows.Next() {
		in, err := scanInstitution(rows)
		if err != nil {
			return nil, fmt.Errorf("list institutions: %w", err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list institutions: %w", err)
	}
	return out, nil
}

func (o ops) UpdateInstitution(ctx context.Context, in store.Institution) error {
	return o.write1(ctx, "update institution "+in.Slug, func(o ops) error {
		n, err := o.changed(ctx, "UPDATE institutions SET name = ?, profile = ?, format = ? WHERE slug = ?",
			in.Name, blob(in.Profile), in.Format, in.Slug)
		if err == nil && n == 0 {
			return fmt.Errorf("no such institution: %w", store.ErrNotFound)
		}
		return err
	})
}

// institutionExists fails with ErrNotFound for an unknown institution.
func (o ops) institutionExists(ctx context.Context, slug string) error {
	var one int
	err := o.queryRow(ctx, "SELECT 1 FROM institutions WHERE slug = ?", slug).Scan(&one)
	return notFound(err, "no institution %q", slug)
}

func (o ops) AddKey(ctx context.Context, k store.Key) error {
	return o.write(ctx, fmt.Sprintf("add key %s of %q", k.ID, k.Owner), func(o ops) error {
		if k.Owner != "" {
			if err := o.institutionExists(ctx, k.Owner); err != nil {
				return err
			}
		}
		if k.Active {
			// A rotation: the keys in use retire as the new one starts.
			// Should the insert fail, the savepoint or transaction undoes
			// this.
			if _, err := o.exec(ctx, "UPDATE keys SET active = 0, retired = ? WHERE owner = ? AND active", dbTime(k.Created), k.Owner); err != nil {
				return err
			}
		}
		_, err := o.exec(ctx, "INSERT INTO keys (owner, id, type, public_jwk, sealed, active, created, retired) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			k.Owner, k.ID, k.Type, blob(k.Public), blob(k.Sealed), boolInt(k.Active), dbTime(k.Created), dbTime(k.Retired))
		return constraint(err, "key ID")
	})
}

func (o ops) Keys(ctx context.Context, owner string) ([]store.Key, error) {
	rows, err := o.query(ctx, "SELECT owner, id, type, public_jwk, sealed, active, created, retired FROM keys WHERE owner = ? ORDER BY created, n", owner)
	if err != nil {
		return nil, fmt.Errorf("keys of %q: %w", owner, err)
	}
	defer rows.Close()
	var out []store.Key
	for rows.Next() {
		var k store.Key
		var created, retired sql.NullInt64
		if err := rows.Scan(&k.Owner, &k.ID, &k.Type, &k.Public, &k.Sealed, &k.Active, &created, &retired); err != nil {
			return nil, fmt.Errorf("keys of %q: %w", owner, err)
		}
		k.Public, k.Sealed, k.Created, k.Retired = bytesOf(k.Public), bytesOf(k.Sealed), goTime(created), goTime(retired)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("keys of %q: %w", owner, err)
	}
	return out, nil
}

func (o ops) AddToken(ctx context.Context, t store.Token) error {
	return o.write1(ctx, "add token "+t.Label, func(o ops) error {
		if err := o.institutionExists(ctx, t.Institution); err != nil {
			return err
		}
		_, err := o.exec(ctx, "INSERT INTO tokens (hash, institution, label, created) VALUES (?, ?, ?, ?)",
			key(t.Hash), t.Institution, t.Label, dbTime(t.Created))
		return constraint(err, "token hash")
	})
}

func (o ops) TokenByHash(ctx context.Context, hash []byte) (store.Token, error) {
	var t store.Token
	var created sql.NullInt64
	err := o.queryRow(ctx, "SELECT hash, institution, label, created FROM tokens WHERE hash = ?", key(hash)).
		Scan(&t.Hash, &t.Institution, &t.Label, &created)
	if err != nil {
		return store.Token{}, fmt.Errorf("token: %w", notFound(err, "no token with this hash"))
	}
	t.Created = goTime(created)
	return t, nil
}

func (o ops) AddTable(ctx context.Context, t store.Table) error {
	return o.write1(ctx, fmt.Sprintf("add table %s@%s of %s", t.TableID, t.Version, t.Institution), func(o ops) error {
		_, err := o.exec(ctx, "INSERT INTO equivalency_tables (institution, table_id, version, body, uploaded) VALUES (?, ?, ?, ?, ?)",
			t.Institution, t.TableID, t.Version, blob(t.Body), dbTime(t.Uploaded))
		return constraint(err, "table version")
	})
}

func (o ops) Tables(ctx context.Context, institution string) ([]store.Table, error) {
	rows, err := o.query(ctx, "SELECT institution, table_id, version, body, uploaded FROM equivalency_tables WHERE institution = ? ORDER BY table_id, n", institution)
	if err != nil {
		return nil, fmt.Errorf("tables of %s: %w", institution, err)
	}
	defer rows.Close()
	var out []store.Table
	for rows.Next() {
		var t store.Table
		var uploaded sql.NullInt64
		if err := rows.Scan(&t.Institution, &t.TableID, &t.Version, &t.Body, &uploaded); err != nil {
			return nil, fmt.Errorf("tables of %s: %w", institution, err)
		}
		t.Body, t.Uploaded = bytesOf(t.Body), goTime(uploaded)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tables of %s: %w", institution, err)
	}
	return out, nil
}

func (o ops) PutLearner(ctx context.Context, l store.Learner) error {
	return o.write1(ctx, fmt.Sprintf("put learner %s of %s", l.ID, l.Institution), func(o ops) error {
		// A DID once set stays when the new one is empty (NULL).
		_, err := o.exec(ctx, `INSERT INTO learners (institution, id, body, did, updated) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (institution, id) DO UPDATE SET body = excluded.body, did = coalesce(excluded.did, did), updated = excluded.updated`,
			l.Institution, l.ID, blob(l.Body), nullText(l.DID), dbTime(l.Updated))
		return constraint(err, "learner")
	})
}

func (o ops) Learner(ctx context.Context, institution, id string) (store.Learner, error) {
	var l store.Learner
	var did sql.NullString
	var updated sql.NullInt64
	err := o.queryRow(ctx, "SELECT institution, id, body, did, updated FROM learners WHERE institution = ? AND id = ?", institution, id).
		Scan(&l.Institution, &l.ID, &l.Body, &did, &updated)
	if err != nil {
		return store.Learner{}, fmt.Errorf("learner %s of %s: %w", id, institution, notFound(err, "no such learner"))
	}
	l.Body, l.DID, l.Updated = bytesOf(l.Body), did.String, goTime(updated)
	return l, nil
}

func (o ops) AddBatch(ctx context.Context, b store.Batch) error {
	return o.write1(ctx, "add batch "+b.ID, func(o ops) error {
		_, err := o.exec(ctx, `INSERT INTO batches (id, institution, idempotency_key, request_hash, response, records, created)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.Institution, nullText(b.IdempotencyKey), blob(b.RequestHash), blob(b.Response), b.Records, dbTime(b.Created))
		return constraint(err, "batch ID or idempotency key")
	})
}

func (o ops) BatchByKey(ctx context.Context, institution, key string) (store.Batch, error) {
	var b store.Batch
	var created sql.NullInt64
	err := o.queryRow(ctx, `SELECT id, institution, idempotency_key, request_hash, response, records, created
		FROM batches WHERE institution = ? AND idempotency_key = ?`, institution, key).
		Scan(&b.ID, &b.Institution, &b.IdempotencyKey, &b.RequestHash, &b.Response, &b.Records, &created)
	if err != nil {
		return store.Batch{}, fmt.Errorf("batch of %s with key %q: %w", institution, key, notFound(err, "no such batch"))
	}
	b.RequestHash, b.Response, b.Created = bytesOf(b.RequestHash), bytesOf(b.Response), goTime(created)
	return b, nil
}
