package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/satchel-wallet/satchel/issuer/store"
)

func (o ops) AddOffer(ctx context.Context, of store.Offer) error {
	return o.write(ctx, "add offer", func(o ops) error {
		state := of.State
		if state == "" {
			state = store.OfferOffered
		}
		_, err := o.exec(ctx, `INSERT INTO offers (code_hash, institution, learner, tx_code_hash, expires, state, token_hash, nonce, token_expires, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			key(of.CodeHash), of.Institution, of.Learner, blob(of.TxCodeHash), dbTime(of.Expires), state, blob(of.TokenHash), of.Nonce,
			dbTime(of.TokenExpires), dbTime(of.Created))
		if err != nil {
			return constraint(err, "code hash or token hash")
		}
		for i, id := range of.Credentials {
			if _, err := o.exec(ctx, "INSERT INTO offer_credentials (code_hash, credential, pos) VALUES (?, ?, ?)", key(of.CodeHash), id, i); err != nil {
				if errors.Is(constraint(err, ""), store.ErrDuplicate) {
					return fmt.Errorf("credential %s offered twice: %w", id, store.ErrInvalid)
				}
				return err
			}
		}
		return nil
	})
}

const offerColumns = "code_hash, institution, learner, tx_code_hash, expires, state, token_hash, nonce, token_expires, created"

// offer reads the offer whose column (code_hash or token_hash) is v, with
// its credentials, from one snapshot.
func (o ops) offer(ctx context.Context, column string, v []byte) (store.Offer, error) {
	var of store.Offer
	err := o.read(ctx, func(q querier) error {
		var expires, tokenExpires, created sql.NullInt64
		err := q.queryRow(ctx, "SELECT "+offerColumns+" FROM offers WHERE "+column+" = ?", v).Scan(
			&of.CodeHash, &of.Institution, &of.Learner, &of.TxCodeHash, &expires, &of.State, &of.TokenHash, &of.Nonce, &tokenExpires, &created)
		if err != nil {
			return notFound(err, "no such offer")
		}
		of.TxCodeHash, of.TokenHash = bytesOf(of.TxCodeHash), bytesOf(of.TokenHash)
		of.Expires, of.TokenExpires, of.Created = goTime(expires), goTime(tokenExpires), goTime(created)
		rows, err := q.query(ctx, "SELECT credential, delivered FROM offer_credentials WHERE code_hash = ? ORDER BY pos", of.CodeHash)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var delivered sql.NullString
			if err := rows.Scan(&id, &delivered); err != nil {
				return err
			}
			of.Credentials = append(of.Credentials, id)
			if delivered.Valid {
				if of.Delivered == nil {
					of.Delivered = map[string]string{}
				}
				of.Delivered[id] = delivered.String
			}
		}
		return rows.Err()
	})
	if err != nil {
		return store.Offer{}, fmt.Errorf("offer: %w", err)
	}
	if len(of.CodeHash) == 0 {
		of.CodeHash = nil
	}
	return of, nil
}

func (o ops) OfferByCode(ctx context.Context, codeHash []byte) (store.Offer, error) {
	return o.offer(ctx, "code_hash", key(codeHash))
}

func (o ops) OfferByToken(ctx context.Context, tokenHash []byte) (store.Offer, error) {
	if len(tokenHash) == 0 {
		return store.Offer{}, fmt.Errorf("offer: no token: %w", store.ErrNotFound)
	}
	return o.offer(ctx, "token_hash", tokenHash)
}

// offerState returns the state of the offer with this code hash.
func (o ops) offerState(ctx context.Context, codeHash []byte) (string, error) {
	var state string
	err := o.queryRow(ctx, "SELECT state FROM offers WHERE code_hash = ?", key(codeHash)).Scan(&state)
	return state, notFound(err, "no such offer")
}

func (o ops) RedeemOffer(ctx context.Context, codeHash, tokenHash []byte, nonce string, tokenExpires, at time.Time) error {
	return o.write1(ctx, "redeem offer", func(o ops) error {
		n, err := o.changed(ctx, `UPDATE offers SET state = 'redeemed', token_hash = ?, nonce = ?, token_expires = ?, redeemed = ?
			WHERE code_hash = ? AND state = 'offered'`,
			blob(tokenHash), nonce, dbTime(tokenExpires), dbTime(at), key(codeHash))
		if err != nil {
			return constraint(err, "token hash")
		}
		if n == 1 {
			return nil
		}
		state, err := o.offerState(ctx, codeHash)
		if err != nil {
			return err
		}
		return fmt.Errorf("the offer is %s: %w", state, store.ErrUsed)
	})
}

func (o ops) SetOfferNonce(ctx context.Context, codeHash []byte, nonce string) error {
	return o.write1(ctx, "set offer nonce", func(o ops) error {
		n, err := o.changed(ctx, "UPDATE offers SET nonce = ? WHERE code_hash = ? AND state != 'offered'", nonce, key(codeHash))
		if err != nil || n == 1 {
			return err
		}
		if _, err := o.offerState(ctx, codeHash); err != nil {
			return err
		}
		return fmt.Errorf("the offer was not redeemed, so it expects no nonce: %w", store.ErrInvalid)
	})
}

func (o ops) DeliverCredential(ctx context.Context, codeHash []byte, offered, delivered string, at time.Time) error {
	return o.write(ctx, "deliver "+offered, func(o ops) error {
		n, err := o.changed(ctx, "UPDATE offer_credentials SET delivered = ?, delivered_at = ? WHERE code_hash = ? AND credential = ? AND delivered IS NULL",
			delivered, dbTime(at), key(codeHash), offered)
		if err != nil {
			return err
		}
		if n == 0 {
			if _, err := o.offerState(ctx, codeHash); err != nil {
				return err
			}
			var one int
			err := o.queryRow(ctx, "SELECT 1 FROM offer_credentials WHERE code_hash = ? AND credential = ?", key(codeHash), offered).Scan(&one)
			if err != nil {
				return notFound(err, "the offer does not carry it")
			}
			return fmt.Errorf("delivered already: %w", store.ErrUsed)
		}
		_, err = o.exec(ctx, `UPDATE offers SET state = 'delivered' WHERE code_hash = ?
			AND NOT EXISTS (SELECT 1 FROM offer_credentials WHERE code_hash = ? AND delivered IS NULL)`, key(codeHash), key(codeHash))
		return err
	})
}

func (o ops) Audit(ctx context.Context, e store.AuditEntry) error {
	if err := e.Check(); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return o.write1(ctx, "audit "+e.Action, func(o ops) error {
		_, err := o.exec(ctx, "INSERT INTO audit (at, actor, action, institution, subject, request, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
			dbTime(e.At), e.Actor, e.Action, e.Institution, e.Subject, e.Request, e.Detail)
		return err
	})
}

func (o ops) AuditLog(ctx context.Context, institution string, n int) ([]store.AuditEntry, error) {
	query := "SELECT seq, at, actor, action, institution, subject, request, detail FROM audit ORDER BY seq DESC LIMIT ?"
	args := []any{limit(n)}
	if institution != "" {
		query = "SELECT seq, at, actor, action, institution, subject, request, detail FROM audit WHERE institution = ? ORDER BY seq DESC LIMIT ?"
		args = []any{institution, limit(n)}
	}
	rows, err := o.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at sql.NullInt64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Institution, &e.Subject, &e.Request, &e.Detail); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		e.At = goTime(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}
