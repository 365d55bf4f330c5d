package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/satchel-wallet/satchel/issuer/store"
)

func (o ops) AddOffer(ctx context.Context, of store.Offer) error {
	return o.write(ctx, "add offer", func(o ops) error {
		seen := map[string]bool{}
		for _, id := range of.Credentials {
			if seen[id] {
				return fmt.Errorf("credential %s offered twice: %w", id, store.ErrInvalid)
			}
			seen[id] = true
		}
		state := of.State
		if state == "" {
			state = store.OfferOffered
		}
		_, err := o.db.Exec(ctx, `INSERT INTO offers (code_hash, institution, learner, tx_code_hash, expires, state, token_hash, nonce, token_expires, created)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			key(of.CodeHash), of.Institution, of.Learner, blob(of.TxCodeHash), dbTime(of.Expires), state, blob(of.TokenHash), of.Nonce,
			dbTime(of.TokenExpires), dbTime(of.Created))
		if err != nil {
			return constraint(err, "code hash or token hash")
		}
		if len(of.Credentials) == 0 {
			return nil
		}
		_, err = o.db.Exec(ctx, `INSERT INTO offer_credentials (code_hash, credential, pos)
			SELECT $1, c, o - 1 FROM unnest($2::text[]) WITH ORDINALITY AS t (c, o)`, key(of.CodeHash), of.Credentials)
		return err
	})
}

// offerQuery reads an offer with its credentials and what was delivered
// for each, in one statement (one snapshot).
const offerQuery = `SELECT o.code_hash, o.institution, o.learner, o.tx_code_hash, o.expires, o.state, o.token_hash, o.nonce, o.token_expires, o.created,
	(SELECT array_agg(c.credential ORDER BY c.pos) FROM offer_credentials c WHERE c.code_hash = o.code_hash),
	(SELECT array_agg(c.delivered ORDER BY c.pos) FROM offer_credentials c WHERE c.code_hash = o.code_hash)
	FROM offers o WHERE `

func (o ops) offer(ctx context.Context, column string, v []byte) (store.Offer, error) {
	var of store.Offer
	var expires, tokenExpires, created pgtype.Timestamptz
	var delivered []*string
	err := o.db.QueryRow(ctx, offerQuery+"o."+column+" = $1", v).Scan(
		&of.CodeHash, &of.Institution, &of.Learner, &of.TxCodeHash, &expires, &of.State, &of.TokenHash, &of.Nonce, &tokenExpires, &created,
		&of.Credentials, &delivered)
	if err != nil {
		return store.Offer{}, fmt.Errorf("offer: %w", notFound(err, "no such offer"))
	}
	of.CodeHash, of.TxCodeHash, of.TokenHash = bytesOf(of.CodeHash), bytesOf(of.TxCodeHash), bytesOf(of.TokenHash)
	of.Expires, of.TokenExpires, of.Created = goTime(expires), goTime(tokenExpires), goTime(created)
	for i, d := range delivered {
		if d == nil || i >= len(of.Credentials) {
			continue
		}
		if of.Delivered == nil {
			of.Delivered = map[string]string{}
		}
		of.Delivered[of.Credentials[i]] = *d
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

// offerState returns the state of the offer with this code hash; lock
// locks its row to the end of the transaction.
func (o ops) offerState(ctx context.Context, codeHash []byte, lock bool) (string, error) {
	q := "SELECT state FROM offers WHERE code_hash = $1"
	if lock {
		q += " FOR UPDATE"
	}
	var state string
	err := o.db.QueryRow(ctx, q, key(codeHash)).Scan(&state)
	return state, notFound(err, "no such offer")
}

func (o ops) RedeemOffer(ctx context.Context, codeHash, tokenHash []byte, nonce string, tokenExpires, at time.Time) error {
	return o.write1(ctx, "redeem offer", func(o ops) error {
		// Of two redemptions at once, the second waits for the first's
		// row lock, then finds the state changed and updates nothing.
		n, err := o.changed(ctx, `UPDATE offers SET state = 'redeemed', token_hash = $1, nonce = $2, token_expires = $3, redeemed = $4
			WHERE code_hash = $5 AND state = 'offered'`,
			blob(tokenHash), nonce, dbTime(tokenExpires), dbTime(at), key(codeHash))
		if err != nil {
			return constraint(err, "token hash")
		}
		if n == 1 {
			return nil
		}
		state, err := o.offerState(ctx, codeHash, false)
		if err != nil {
			return err
		}
		return fmt.Errorf("the offer is %s: %w", state, store.ErrUsed)
	})
}

func (o ops) SetOfferNonce(ctx context.Context, codeHash []byte, nonce string) error {
	return o.write1(ctx, "set offer nonce", func(o ops) error {
		n, err := o.changed(ctx, "UPDATE offers SET nonce = $1 WHERE code_hash = $2 AND state <> 'offered'", nonce, key(codeHash))
		if err != nil || n == 1 {
			return err
		}
		if _, err := o.offerState(ctx, codeHash, false); err != nil {
			return err
		}
		return fmt.Errorf("the offer was not redeemed, so it expects no nonce: %w", store.ErrInvalid)
	})
}

func (o ops) DeliverCredential(ctx context.Context, codeHash []byte, offered, delivered string, at time.Time) error {
	return o.write(ctx, "deliver "+offered, func(o ops) error {
		// Deliveries of one offer take turns on its row, so that the last
		// one sees every other delivered and marks the offer delivered.
		if _, err := o.offerState(ctx, codeHash, true); err != nil {
			return err
		}
		n, err := o.changed(ctx, `UPDATE offer_credentials SET delivered = $1, delivered_at = $2
			WHERE code_hash = $3 AND credential = $4 AND delivered IS NULL`, delivered, dbTime(at), key(codeHash), offered)
		if err != nil {
			return err
		}
		if n == 0 {
			var one int
			err := o.db.QueryRow(ctx, "SELECT 1 FROM offer_credentials WHERE code_hash = $1 AND credential = $2", key(codeHash), offered).Scan(&one)
			if err != nil {
				return notFound(err, "the offer does not carry it")
			}
			return fmt.Errorf("delivered already: %w", store.ErrUsed)
		}
		_, err = o.db.Exec(ctx, `UPDATE offers SET state = 'delivered' WHERE code_hash = $1
			AND NOT EXISTS (SELECT 1 FROM offer_credentials WHERE code_hash = $1 AND delivered IS NULL)`, key(codeHash))
		return err
	})
}

func (o ops) Audit(ctx context.Context, e store.AuditEntry) error {
	if err := e.Check(); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return o.write1(ctx, "audit "+e.Action, func(o ops) error {
		_, err := o.db.Exec(ctx, "INSERT INTO audit (at, actor, action, institution, subject, request, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			dbTime(e.At), e.Actor, e.Action, e.Institution, e.Subject, e.Request, e.Detail)
		return err
	})
}

func (o ops) AuditLog(ctx context.Context, institution string, n int) ([]store.AuditEntry, error) {
	const columns = "SELECT seq, at, actor, action, institution, subject, request, detail FROM audit "
	query, args := columns+"ORDER BY seq DESC LIMIT $1", []any{limit(n)}
	if institution != "" {
		query, args = columns+"WHERE institution = $1 ORDER BY seq DESC LIMIT $2", []any{institution, limit(n)}
	}
	rows, err := o.db.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at pgtype.Timestamptz
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
