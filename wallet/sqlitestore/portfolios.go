package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/wallet"
)

// CreatePortfolio implements wallet.Ops.
func (o ops) CreatePortfolio(ctx context.Context, name string, created time.Time) (wallet.Portfolio, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return wallet.Portfolio{}, fmt.Errorf("create portfolio: %w: the name is empty", wallet.ErrInvalid)
	}
	if err := wallet.CheckText("portfolio name", name); err != nil {
		return wallet.Portfolio{}, fmt.Errorf("create portfolio: %w", err)
	}
	var id int64
	err := o.write(ctx, func(o ops) error {
		res, err := o.exec(ctx, "INSERT INTO portfolios (name, created) VALUES (?, ?)", name, dbTime(created))
		if isUnique(err) {
			return fmt.Errorf("portfolio %q: %w", name, wallet.ErrDuplicate)
		}
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return wallet.Portfolio{}, fmt.Errorf("create portfolio: %w", err)
	}
	return wallet.Portfolio{ID: id, Name: name, Created: stored(created)}, nil
}

// Portfolio implements wallet.Ops.
func (o ops) Portfolio(ctx context.Context, id int64) (wallet.Portfolio, error) {
	ps, err := o.portfolios(ctx, "WHERE id = ?", id)
	if err != nil {
		return wallet.Portfolio{}, fmt.Errorf("read portfolio #%d: %w", id, err)
	}
	if len(ps) == 0 {
		return wallet.Portfolio{}, notFound("portfolio #%d", id)
	}
	return ps[0], nil
}

// Portfolios implements wallet.Ops.
func (o ops) Portfolios(ctx context.Context) ([]wallet.Portfolio, error) {
	ps, err := o.portfolios(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("read portfolios: %w", err)
	}
	return ps, nil
}

// portfolios reads the portfolios that filter (a WHERE clause on
// portfolios) selects, with their items, in two queries.
func (o ops) portfolios(ctx context.Context, filter string, args ...any) ([]wallet.Portfolio, error) {
	rows, err := o.query(ctx, "SELECT id, name, created FROM portfolios "+filter+" ORDER BY name, id", args...)
	if err != nil {
		return nil, err
	}
	var ps []wallet.Portfolio
	index := map[int64]int{}
	for rows.Next() {
		var p wallet.Portfolio
		var created sql.NullInt64
		if err := rows.Scan(&p.ID, &p.Name, &created); err != nil {
			rows.Close()
			return nil, err
		}
		p.Created = goTime(created)
		index[p.ID] = len(ps)
		ps = append(ps, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ps) == 0 {
		return ps, err
	}
	itemFilter := ""
	if filter != "" {
		itemFilter = "WHERE i.portfolio IN (SELECT id FROM portfolios " + filter + ")"
	}
	rows, err = o.query(ctx, `SELECT `+entryColumns+`, i.portfolio, i.note
		FROM portfolio_items i JOIN credentials c ON c.id = i.credential `+itemFilter+`
		ORDER BY i.portfolio, i.position`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it wallet.PortfolioItem
		var portfolio int64
		if err := scanEntry(rows, &it.Entry, &portfolio, &it.Note); err != nil {
			return nil, err
		}
		if i, ok := index[portfolio]; ok {
			ps[i].Items = append(ps[i].Items, it)
		}
	}
	return ps, rows.Err()
}

// DeletePortfolio implements wallet.Ops.
func (o ops) DeletePortfolio(ctx context.Context, id int64) error {
	err := o.write(ctx, func(o ops) error {
		return affected(o.exec(ctx, "DELETE FROM portfolios WHERE id = ?", id))(notFound("portfolio #%d", id))
	})
	if err != nil {
		return fmt.Errorf("delete portfolio: %w", err)
	}
	return nil
}

// AddToPortfolio implements wallet.Ops.
func (o ops) AddToPortfolio(ctx context.Context, portfolio, credential int64, note string) error {
	if err := wallet.CheckText("note", note); err != nil {
		return fmt.Errorf("add to portfolio: %w", err)
	}
	err := o.write(ctx, func(o ops) error {
		if err := o.exists(ctx, "SELECT 1 FROM portfolios WHERE id = ?", portfolio, "portfolio #%d"); err != nil {
			return err
		}
		if err := o.exists(ctx, "SELECT 1 FROM credentials WHERE id = ?", credential, "credential #%d"); err != nil {
			return err
		}
		_, err := o.exec(ctx, `INSERT INTO portfolio_items (portfolio, credential, position, note)
			VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM portfolio_items WHERE portfolio = ?1), ?3)`,
			portfolio, credential, note)
		if isUnique(err) {
			return fmt.Errorf("credential #%d in portfolio #%d: %w", credential, portfolio, wallet.ErrDuplicate)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("add to portfolio: %w", err)
	}
	return nil
}

func (o ops) exists(ctx context.Context, query string, id int64, what string) error {
	var one int
	err := o.queryRow(ctx, query, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(what, id)
	}
	return err
}

// affected turns the result of an UPDATE or DELETE into an error: the
// statement's, or missing when it changed no row.
func affected(res sql.Result, err error) func(missing error) error {
	return func(missing error) error {
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return missing
		}
		return nil
	}
}

// RemoveFromPortfolio implements wallet.Ops.
func (o ops) RemoveFromPortfolio(ctx context.Context, portfolio, credential int64) error {
	err := o.write(ctx, func(o ops) error {
		return affected(o.exec(ctx, "DELETE FROM portfolio_items WHERE portfolio = ? AND credential = ?", portfolio, credential))(
			notFound("credential #%d in portfolio #%d", credential, portfolio))
	})
	if err != nil {
		return fmt.Errorf("remove from portfolio: %w", err)
	}
	return nil
}

// SetPortfolioNote implements wallet.Ops.
func (o ops) SetPortfolioNote(ctx context.Context, portfolio, credential int64, note string) error {
	if err := wallet.CheckText("note", note); err != nil {
		return fmt.Errorf("set portfolio note: %w", err)
	}
	err := o.write(ctx, func(o ops) error {
		return affected(o.exec(ctx, "UPDATE portfolio_items SET note = ? WHERE portfolio = ? AND credential = ?", note, portfolio, credential))(
			notFound("credential #%d in portfolio #%d", credential, portfolio))
	})
	if err != nil {
		return fmt.Errorf("set portfolio note: %w", err)
	}
	return nil
}

// ReorderPortfolio implements wallet.Ops.
func (o ops) ReorderPortfolio(ctx context.Context, portfolio int64, credentials []int64) error {
	err := o.write(ctx, func(o ops) error {
		if err := o.exists(ctx, "SELECT 1 FROM portfolios WHERE id = ?", portfolio, "portfolio #%d"); err != nil {
			return err
		}
		rows, err := o.query(ctx, "SELECT credential FROM portfolio_items WHERE portfolio = ?", portfolio)
		if err != nil {
			return err
		}
		current := map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			current[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := permutation(current, credentials); err != nil {
			return err
		}
		for i, id := range credentials {
			if _, err := o.exec(ctx, "UPDATE portfolio_items SET position = ? WHERE portfolio = ? AND credential = ?", i+1, portfolio, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reorder portfolio #%d: %w", portfolio, err)
	}
	return nil
}

// permutation checks that order holds each id of current exactly once.
func permutation(current map[int64]bool, order []int64) error {
	if len(order) != len(current) {
		return fmt.Errorf("%w: the portfolio has %d items, the new order %d", wallet.ErrInvalid, len(current), len(order))
	}
	seen := map[int64]bool{}
	for _, id := range order {
		switch {
		case !current[id]:
			return fmt.Errorf("%w: credential #%d is not in the portfolio", wallet.ErrInvalid, id)
		case seen[id]:
			return fmt.Errorf("%w: credential #%d is listed twice", wallet.ErrInvalid, id)
		}
		seen[id] = true
	}
	return nil
}
