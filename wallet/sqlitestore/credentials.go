package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/satchel-wallet/satchel/wallet"
)

// entryColumns are the columns scanEntry reads, from credentials as c.
const entryColumns = `c.id, c.digest, c.format, c.container, c.credential_id, c.issuer_id,
	c.issuer_name, c.types, c.kind, c.title, c.description, c.issued, c.expires,
	c.skills, c.credits, c.status, c.verified_at, c.kept_unverified, c.added`

type scanner interface{ Scan(dest ...any) error }

// scanEntry reads entryColumns, followed by extra destinations.
func scanEntry(sc scanner, e *wallet.Entry, extra ...any) error {
	var (
		digest                 []byte
		credID                 sql.NullString
		types, skills, credits []byte
		issued, expires        sql.NullInt64
		verifiedAt, addedAt    sql.NullInt64
		kind, status           string
		kept                   int
	)
	dest := append([]any{&e.ID, &digest, &e.Format, &e.Container, &credID, &e.IssuerID,
		&e.IssuerName, &types, &kind, &e.Title, &e.Description, &issued, &expires,
		&skills, &credits, &status, &verifiedAt, &kept, &addedAt}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	if len(digest) != len(e.Digest) {
		return fmt.Errorf("credential #%d: stored digest is %d bytes", e.ID, len(digest))
	}
	copy(e.Digest[:], digest)
	e.CredentialID = credID.String
	e.Kind, e.Status = wallet.Kind(kind), wallet.Status(status)
	e.IssuedAt, e.ExpiresAt = goTime(issued), goTime(expires)
	e.VerifiedAt, e.AddedAt = goTime(verifiedAt), goTime(addedAt)
	e.KeptUnverified = kept != 0
	var err1, err2, err3 error
	e.Types, err1 = decodeStrings(types)
	e.Skills, err2 = decodeSkills(skills)
	e.Credits, err3 = decodeCredits(credits)
	if err := errors.Join(err1, err2, err3); err != nil {
		return fmt.Errorf("credential #%d: %w", e.ID, err)
	}
	return nil
}

// AddCredential implements wallet.Ops.
func (o ops) AddCredential(ctx context.Context, c *wallet.Credential) error {
	if c == nil {
		return fmt.Errorf("add credential: %w: nil credential", wallet.ErrInvalid)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("add credential: %w", err)
	}
	digest := wallet.Digest(c.Raw)
	types, skills, credits := encodeStrings(c.Types), encodeSkills(c.Skills), encodeCredits(c.Credits)
	var credID any
	if c.CredentialID != "" {
		credID = c.CredentialID
	}
	var id int64
	err := o.write(ctx, func(o ops) error {
		// Same bytes first: it is the more telling of the two.
		if dup, err := o.duplicate(ctx, "SELECT id FROM credentials WHERE digest = ?", digest[:], "bytes"); dup != nil || err != nil {
			return errors.Join(dup, err)
		}
		if credID != nil {
			if dup, err := o.duplicate(ctx, "SELECT id FROM credentials WHERE credential_id = ?", credID, "id"); dup != nil || err != nil {
				return errors.Join(dup, err)
			}
		}
		sort, err := o.nextSort(ctx, sortSecond(c.IssuedAt))
		if err != nil {
			return err
		}
		res, err := o.exec(ctx, `INSERT INTO credentials (sort, digest, credential_id, format, container,
			issuer_id, issuer_name, types, kind, title, description, issued, expires,
			skills, credits, status, verified_at, kept_unverified, added)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sort, digest[:], credID, c.Format, c.Container, c.IssuerID, c.IssuerName, types,
			string(c.Kind), c.Title, c.Description, dbTime(c.IssuedAt), dbTime(c.ExpiresAt),
			skills, credits, string(c.Status), dbTime(c.VerifiedAt), boolInt(c.KeptUnverified), dbTime(c.AddedAt))
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		var report any
		if len(c.Report) > 0 {
			report = []byte(c.Report)
		}
		if _, err := o.exec(ctx, "INSERT INTO credential_data (credential, raw, report) VALUES (?, ?, ?)", id, c.Raw, report); err != nil {
			return err
		}
		for _, term := range skillTerms(c.Skills) {
			if _, err := o.exec(ctx, "INSERT INTO skill_terms (term, sort, credential) VALUES (?, ?, ?)", term, sort, id); err != nil {
				return err
			}
		}
		skillText, courseText := searchText(c.Skills, c.Credits)
		_, err = o.exec(ctx, `INSERT INTO credentials_fts (rowid, title, issuer, description, skills, courses)
			VALUES (?, ?, ?, ?, ?, ?)`, sort, c.Title, c.IssuerName, c.Description, skillText, courseText)
		return err
	})
	if err != nil {
		return fmt.Errorf("add credential: %w", err)
	}
	c.ID, c.Digest = id, digest
	return nil
}

// nextSort is the sort key of a credential added now, issued in second
// sec: one more than the last of that second.
func (o ops) nextSort(ctx context.Context, sec int64) (int64, error) {
	lo := sortFloor(sec)
	var last sql.NullInt64
	if err := o.queryRow(ctx, "SELECT max(sort) FROM credentials WHERE sort >= ? AND sort < ?", lo, lo+sortPerSec).Scan(&last); err != nil {
		return 0, err
	}
	if !last.Valid {
		return lo, nil
	}
	if last.Int64+1 >= lo+sortPerSec {
		return 0, fmt.Errorf("%w: more than %d credentials issued in the same second", wallet.ErrInvalid, sortPerSec)
	}
	return last.Int64 + 1, nil
}

// duplicate returns a *wallet.DuplicateError when query finds a row.
func (o ops) duplicate(ctx context.Context, query string, arg any, same string) (*wallet.DuplicateError, error) {
	var id int64
	switch err := o.queryRow(ctx, query, arg).Scan(&id); {
	case err == nil:
		return &wallet.DuplicateError{ID: id, Same: same}, nil
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	default:
		return nil, err
	}
}

// skillTerms are the lower-cased names and codes the skill filter matches.
func skillTerms(skills []wallet.Skill) []string {
	seen := map[string]bool{}
	var terms []string
	for _, s := range skills {
		for _, t := range []string{s.Name, s.Code} {
			t = skillTerm(t)
			if t != "" && !seen[t] {
				seen[t] = true
				terms = append(terms, t)
			}
		}
	}
	return terms
}

func skillTerm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// searchText is what the skills and courses columns of the full-text index
// hold.
func searchText(skills []wallet.Skill, credits []wallet.Credit) (string, string) {
	var sk, co strings.Builder
	for _, s := range skills {
		sk.WriteString(s.Name)
		sk.WriteString(" ")
		sk.WriteString(s.Code)
		sk.WriteString("\n")
	}
	for _, c := range credits {
		co.WriteString(c.Course)
		co.WriteString(" ")
		co.WriteString(c.Title)
		co.WriteString("\n")
	}
	return sk.String(), co.String()
}

// Credential implements wallet.Ops.
func (o ops) Credential(ctx context.Context, id int64) (wallet.Credential, error) {
	var c wallet.Credential
	var report []byte
	err := scanEntry(o.queryRow(ctx, `SELECT `+entryColumns+`, d.raw, d.report
		FROM credentials c JOIN credential_data d ON d.credential = c.id WHERE c.id = ?`, id),
		&c.Entry, &c.Raw, &report)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return wallet.Credential{}, notFound("credential #%d", id)
	case err != nil:
		return wallet.Credential{}, fmt.Errorf("read credential #%d: %w", id, err)
	}
	if len(report) > 0 {
		c.Report = report
	}
	return c, nil
}

// SetVerification implements wallet.Ops.
func (o ops) SetVerification(ctx context.Context, id int64, v wallet.Verification) error {
	if err := v.Validate(); err != nil {
		return fmt.Errorf("set verification of credential #%d: %w", id, err)
	}
	var report any
	if len(v.Report) > 0 {
		report = []byte(v.Report)
	}
	err := o.write(ctx, func(o ops) error {
		res, err := o.exec(ctx, "UPDATE credentials SET status = ?, verified_at = ? WHERE id = ?", string(v.Status), dbTime(v.At), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, notFound("credential #%d", id))
		}
		_, err = o.exec(ctx, "UPDATE credential_data SET report = ? WHERE credential = ?", report, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("set verification: %w", err)
	}
	return nil
}

// DeleteCredential implements wallet.Ops.
func (o ops) DeleteCredential(ctx context.Context, id int64) error {
	err := o.write(ctx, func(o ops) error {
		rows, err := o.query(ctx, `SELECT p.name FROM portfolio_items i JOIN portfolios p ON p.id = i.portfolio
			WHERE i.credential = ? ORDER BY p.name`, id)
		if err != nil {
			return err
		}
		names, err := scanStrings(rows)
		if err != nil {
			return err
		}
		if len(names) > 0 {
			return fmt.Errorf("credential #%d is %w by portfolio %s; remove it from there first",
				id, wallet.ErrInUse, quoteList(names))
		}
		var sort int64
		switch err := o.queryRow(ctx, "DELETE FROM credentials WHERE id = ? RETURNING sort", id).Scan(&sort); {
		case errors.Is(err, sql.ErrNoRows):
			return notFound("credential #%d", id)
		case err != nil:
			return err
		}
		_, err = o.exec(ctx, "DELETE FROM credentials_fts WHERE rowid = ?", sort)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete credential: %w", err)
	}
	return nil
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// Search implements wallet.Ops.
//
// Every list is in sort key order, largest first, and the rows that select
// credentials are keyed by it: the full-text index (rowid), skill_terms and
// the kind and issuer indexes. The query walks whichever of these is most
// selective — the text when there is one, else the skill, else an index of
// credentials — in order, checks the other filters on each row and stops at
// the page's end, so a page costs about the same whether the search
// matches ten credentials or ten thousand. The statement text depends only
// on which filters are set, so the statement cache holds a few dozen.
func (o ops) Search(ctx context.Context, q wallet.Query) (wallet.Page, error) {
	if err := q.Check(); err != nil {
		return wallet.Page{}, fmt.Errorf("search: %w", err)
	}
	limit := q.Limit
	if limit == 0 {
		limit = wallet.DefaultLimit
	}
	var after int64
	if q.After != "" {
		var err error
		if after, err = parseCursor(q.After); err != nil {
			return wallet.Page{}, fmt.Errorf("search: %w", err)
		}
	}
	terms := wallet.SearchTerms(q.Text)

	// from is the walk; key is its sort key column. CROSS JOIN keeps the
	// planner from turning the walk inside out.
	var from, key string
	var where []string
	var args []any
	switch {
	case len(terms) > 0:
		from, key = "credentials_fts f CROSS JOIN credentials c ON c.sort = f.rowid", "f.rowid"
		where, args = append(where, "credentials_fts MATCH ?"), append(args, matchExpr(terms))
		if q.Skill != "" {
			where = append(where, "EXISTS (SELECT 1 FROM skill_terms s WHERE s.term = ? AND s.sort = c.sort)")
			args = append(args, skillTerm(q.Skill))
		}
	case q.Skill != "":
		from, key = "skill_terms s CROSS JOIN credentials c ON c.sort = s.sort", "s.sort"
		where, args = append(where, "s.term = ?"), append(args, skillTerm(q.Skill))
	default:
		from, key = "credentials c", "c.sort"
	}
	if q.Kind != "" {
		where, args = append(where, "c.kind = ?"), append(args, string(q.Kind))
	}
	if q.Issuer != "" {
		where, args = append(where, "c.issuer_id = ?"), append(args, q.Issuer)
	}
	// Dates bound the walk by sort key (to the second), then exactly.
	if !q.IssuedFrom.IsZero() {
		where = append(where, key+" >= ?", "c.issued >= ?")
		args = append(args, sortFloor(sortSecond(q.IssuedFrom)), q.IssuedFrom.UnixMicro())
	}
	if !q.IssuedBefore.IsZero() {
		where = append(where, key+" < ?", "c.issued < ?")
		args = append(args, sortFloor(sortSecond(q.IssuedBefore)+1), q.IssuedBefore.UnixMicro())
	}
	if q.After != "" {
		where, args = append(where, key+" < ?"), append(args, after)
	}
	query := "SELECT " + entryColumns + ", c.sort FROM " + from
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY " + key + " DESC LIMIT ?"
	// One row more than the page tells whether there is a next page.
	args = append(args, limit+1)

	rows, err := o.query(ctx, query, args...)
	if err != nil {
		return wallet.Page{}, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var page wallet.Page
	var last int64
	for rows.Next() {
		if len(page.Entries) == limit {
			page.Next = cursor(last)
			break
		}
		var e wallet.Entry
		if err := scanEntry(rows, &e, &last); err != nil {
			return wallet.Page{}, fmt.Errorf("search: %w", err)
		}
		page.Entries = append(page.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return wallet.Page{}, fmt.Errorf("search: %w", err)
	}
	return page, nil
}

// matchExpr is an FTS5 query in which every term must begin a word: terms
// are letters and digits only (wallet.SearchTerms), so quoting them is
// enough to keep FTS5 syntax out.
func matchExpr(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + t + `"*`
	}
	return strings.Join(parts, " ")
}

// A cursor is the sort key of the last entry of a page.
func cursor(sort int64) string { return "s" + strconv.FormatInt(sort, 10) }

func parseCursor(s string) (int64, error) {
	v, err := strconv.ParseInt(strings.TrimPrefix(s, "s"), 10, 64)
	if err != nil || !strings.HasPrefix(s, "s") {
		return 0, fmt.Errorf("%w: malformed page cursor", wallet.ErrInvalid)
	}
	return v, nil
}
