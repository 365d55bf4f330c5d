package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/satchel-wallet/satchel/wallet"
)

// PutCached implements wallet.Ops.
func (o ops) PutCached(ctx context.Context, c wallet.Cached) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("cache %s: %w", c.Kind, err)
	}
	data := c.Data
	if data == nil {
		data = []byte{}
	}
	err := o.write(ctx, func(o ops) error {
		_, err := o.exec(ctx, `INSERT INTO cache (kind, key, data, fetched) VALUES (?, ?, ?, ?)
			ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data, fetched = excluded.fetched`,
			string(c.Kind), c.Key, data, dbTime(c.FetchedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("cache %s %s: %w", c.Kind, c.Key, err)
	}
	return nil
}

// Cached implements wallet.Ops.
func (o ops) Cached(ctx context.Context, kind wallet.CacheKind, key string) (wallet.Cached, error) {
	c := wallet.Cached{Kind: kind, Key: key}
	var fetched sql.NullInt64
	err := o.queryRow(ctx, "SELECT data, fetched FROM cache WHERE kind = ? AND key = ?", string(kind), key).Scan(&c.Data, &fetched)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return wallet.Cached{}, notFound("cached %s %s", kind, key)
	case err != nil:
		return wallet.Cached{}, fmt.Errorf("read cached %s %s: %w", kind, key, err)
	}
	c.FetchedAt = goTime(fetched)
	return c, nil
}

// CachedAll implements wallet.Ops.
func (o ops) CachedAll(ctx context.Context, kind wallet.CacheKind) ([]wallet.Cached, error) {
	rows, err := o.query(ctx, "SELECT key, data, fetched FROM cache WHERE kind = ? ORDER BY key", string(kind))
	if err != nil {
		return nil, fmt.Errorf("read cached %s: %w", kind, err)
	}
	defer rows.Close()
	var out []wallet.Cached
	for rows.Next() {
		c := wallet.Cached{Kind: kind}
		var fetched sql.NullInt64
		if err := rows.Scan(&c.Key, &c.Data, &fetched); err != nil {
			return nil, fmt.Errorf("read cached %s: %w", kind, err)
		}
		c.FetchedAt = goTime(fetched)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read cached %s: %w", kind, err)
	}
	return out, nil
}

// AddHolderKey implements wallet.Ops.
func (o ops) AddHolderKey(ctx context.Context, k wallet.HolderKey) error {
	if err := k.Validate(); err != nil {
		return fmt.Errorf("add holder key: %w", err)
	}
	err := o.write(ctx, func(o ops) error {
		_, err := o.exec(ctx, "INSERT INTO holder_keys (did, sealed, created) VALUES (?, ?, ?)", k.DID, k.Sealed, dbTime(k.Created))
		if isUnique(err) {
			return fmt.Errorf("holder key %s: %w", k.DID, wallet.ErrDuplicate)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("add holder key: %w", err)
	}
	return nil
}

// HolderKey implements wallet.Ops.
func (o ops) HolderKey(ctx context.Context, did string) (wallet.HolderKey, error) {
	k := wallet.HolderKey{DID: did}
	var created sql.NullInt64
	err := o.queryRow(ctx, "SELECT sealed, created FROM holder_keys WHERE did = ?", did).Scan(&k.Sealed, &created)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return wallet.HolderKey{}, notFound("holder key %s", did)
	case err != nil:
		return wallet.HolderKey{}, fmt.Errorf("read holder key %s: %w", did, err)
	}
	k.Created = goTime(created)
	return k, nil
}

// HolderKeys implements wallet.Ops.
func (o ops) HolderKeys(ctx context.Context) ([]wallet.HolderKey, error) {
	rows, err := o.query(ctx, "SELECT did, sealed, created FROM holder_keys ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("read holder keys: %w", err)
	}
	defer rows.Close()
	var out []wallet.HolderKey
	for rows.Next() {
		var k wallet.HolderKey
		var created sql.NullInt64
		if err := rows.Scan(&k.DID, &k.Sealed, &created); err != nil {
			return nil, fmt.Errorf("read holder keys: %w", err)
		}
		k.Created = goTime(created)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read holder keys: %w", err)
	}
	return out, nil
}

// ResealHolderKey implements wallet.Ops.
func (o ops) ResealHolderKey(ctx context.Context, did string, sealed []byte) error {
	if err := (wallet.HolderKey{DID: did, Sealed: sealed}).Validate(); err != nil {
		return fmt.Errorf("reseal holder key: %w", err)
	}
	err := o.write(ctx, func(o ops) error {
		return affected(o.exec(ctx, "UPDATE holder_keys SET sealed = ? WHERE did = ?", sealed, did))(notFound("holder key %s", did))
	})
	if err != nil {
		return fmt.Errorf("reseal holder key: %w", err)
	}
	return nil
}

// Enqueue implements wallet.Ops.
func (o ops) Enqueue(ctx context.Context, a wallet.Action) (int64, error) {
	if err := a.Validate(); err != nil {
		return 0, fmt.Errorf("enqueue: %w", err)
	}
	payload := a.Payload
	if payload == nil {
		payload = []byte{}
	}
	var id int64
	err := o.write(ctx, func(o ops) error {
		res, err := o.exec(ctx, `INSERT INTO sync_queue (kind, payload, enqueued, state, attempts, last_error)
			VALUES (?, ?, ?, 'pending', 0, '')`, a.Kind, payload, dbTime(a.Enqueued))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", a.Kind, err)
	}
	return id, nil
}

const actionColumns = "id, kind, payload, enqueued, state, attempts, last_error, last_attempt, finished"

func scanAction(sc scanner) (wallet.Action, error) {
	var a wallet.Action
	var state string
	var enqueued, last, finished sql.NullInt64
	if err := sc.Scan(&a.ID, &a.Kind, &a.Payload, &enqueued, &state, &a.Attempts, &a.LastError, &last, &finished); err != nil {
		return wallet.Action{}, err
	}
	if len(a.Payload) == 0 {
		a.Payload = nil
	}
	a.State = wallet.ActionState(state)
	a.Enqueued, a.LastAttempt, a.Finished = goTime(enqueued), goTime(last), goTime(finished)
	return a, nil
}

// Action implements wallet.Ops.
func (o ops) Action(ctx context.Context, id int64) (wallet.Action, error) {
	a, err := scanAction(o.queryRow(ctx, "SELECT "+actionColumns+" FROM sync_queue WHERE id = ?", id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return wallet.Action{}, notFound("action #%d", id)
	case err != nil:
		return wallet.Action{}, fmt.Errorf("read action #%d: %w", id, err)
	}
	return a, nil
}

// PendingActions implements wallet.Ops.
func (o ops) PendingActions(ctx context.Context, limit int) ([]wallet.Action, error) {
	if limit <= 0 || limit > wallet.MaxLimit {
		return nil, fmt.Errorf("pending actions: %w: limit %d is not between 1 and %d", wallet.ErrInvalid, limit, wallet.MaxLimit)
	}
	rows, err := o.query(ctx, "SELECT "+actionColumns+" FROM sync_queue WHERE state = 'pending' ORDER BY id LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("pending actions: %w", err)
	}
	defer rows.Close()
	var out []wallet.Action
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, fmt.Errorf("pending actions: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending actions: %w", err)
	}
	return out, nil
}

// MarkDone implements wallet.Ops.
func (o ops) MarkDone(ctx context.Context, id int64, at time.Time) error {
	return o.settle(ctx, "mark done", id, "UPDATE sync_queue SET state = 'done', finished = ? WHERE id = ? AND state = 'pending'", dbTime(at), id)
}

// MarkFailed implements wallet.Ops.
func (o ops) MarkFailed(ctx context.Context, id int64, at time.Time, reason string) error {
	if err := wallet.CheckText("reason", reason); err != nil {
		return fmt.Errorf("mark failed: %w", err)
	}
	return o.settle(ctx, "mark failed", id, `UPDATE sync_queue SET attempts = attempts + 1, last_error = ?, last_attempt = ?
		WHERE id = ? AND state = 'pending'`, reason, dbTime(at), id)
}

// Abandon implements wallet.Ops.
func (o ops) Abandon(ctx context.Context, id int64, at time.Time, reason string) error {
	if err := wallet.CheckText("reason", reason); err != nil {
		return fmt.Errorf("abandon: %w", err)
	}
	return o.settle(ctx, "abandon", id, `UPDATE sync_queue SET state = 'abandoned', last_error = ?, finished = ?
		WHERE id = ? AND state = 'pending'`, reason, dbTime(at), id)
}

// settle runs an update of a pending action; when it changes nothing, the
// action is missing (ErrNotFound) or not pending (ErrNotPending).
func (o ops) settle(ctx context.Context, op string, id int64, update string, args ...any) error {
	err := o.write(ctx, func(o ops) error {
		res, err := o.exec(ctx, update, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		var state string
		switch err := o.queryRow(ctx, "SELECT state FROM sync_queue WHERE id = ?", id).Scan(&state); {
		case errors.Is(err, sql.ErrNoRows):
			return notFound("action #%d", id)
		case err != nil:
			return err
		}
		return fmt.Errorf("action #%d is %s: %w", id, state, wallet.ErrNotPending)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// Setting implements wallet.Ops.
func (o ops) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := o.queryRow(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", notFound("setting %q", key)
	case err != nil:
		return "", fmt.Errorf("read setting %q: %w", key, err)
	}
	return v, nil
}

// SetSetting implements wallet.Ops.
func (o ops) SetSetting(ctx context.Context, key, value string) error {
	if key == "" {
		return fmt.Errorf("set setting: %w: the key is empty", wallet.ErrInvalid)
	}
	if err := errors.Join(wallet.CheckText("setting key", key), wallet.CheckText("setting value", value)); err != nil {
		return fmt.Errorf("set setting: %w", err)
	}
	err := o.write(ctx, func(o ops) error {
		_, err := o.exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
		return err
	})
	if err != nil {
		return fmt.Errorf("set setting %q: %w", key, err)
	}
	return nil
}
