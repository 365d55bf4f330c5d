package issuer

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/transcript"
)

// TableInfo describes one stored version of an equivalency table.
type TableInfo struct {
	transcript.TableInfo
	Rows     int    `json:"rows"`
	Uploaded string `json:"uploaded"`
}

// UploadTable stores a new version of one of an institution's equivalency
// tables: JSON as transcript.ParseTableJSON reads it, or CSV rows with the
// header given in info. A version is never replaced: send a new version.
func (s *Service) UploadTable(ctx context.Context, a Actor, slug, mediaType string, info transcript.TableInfo, body []byte) (TableInfo, error) {
	if _, _, err := s.institution(ctx, a, slug); err != nil {
		return TableInfo{}, err
	}
	if len(body) > transcript.MaxTableBytes {
		return TableInfo{}, fmt.Errorf("%w: a table is at most %d bytes", ErrInvalid, transcript.MaxTableBytes)
	}
	var t transcript.Table
	var err error
	switch mediaTypeOf(mediaType) {
	case "application/json":
		t, err = transcript.ParseTableJSON("table", body)
	case "text/csv":
		t, err = transcript.ParseTableCSV("table", info, body)
	default:
		return TableInfo{}, fmt.Errorf("%w: a table is application/json or text/csv, not %q", ErrInvalid, clip(mediaType))
	}
	if err != nil {
		return TableInfo{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	canonical, err := json.Marshal(t)
	if err != nil {
		return TableInfo{}, err
	}
	now := s.now()
	err = s.db.Tx(ctx, func(ops store.Ops) error {
		// The whole set must still make an engine (one table ID, two
		// versions in force at once, is refused here, not at intake).
		tables, err := s.loadTables(ctx, ops, slug)
		if err != nil {
			return err
		}
		for _, have := range tables {
			if have.ID == t.ID && have.Version == t.Version {
				return fmt.Errorf("%w: table %s version %s exists; send a new version", ErrConflict, t.ID, t.Version)
			}
		}
		if _, err := transcript.NewEngine(append(tables, t), s.catalog()); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if err := ops.AddTable(ctx, store.Table{Institution: slug, TableID: t.ID, Version: t.Version, Body: canonical, Uploaded: now}); err != nil {
			return err
		}
		return s.audit(ctx, ops, a, "table.upload", slug, t.ID+"@"+t.Version, fmt.Sprintf("%d rows", len(t.Rows)))
	})
	if err != nil {
		return TableInfo{}, storeErr("upload table "+t.ID+"@"+t.Version, err)
	}
	s.engines.Delete(slug)
	return TableInfo{TableInfo: t.TableInfo, Rows: len(t.Rows), Uploaded: now.Format(timeFormat)}, nil
}

// Tables lists the versions of an institution's tables.
func (s *Service) Tables(ctx context.Context, a Actor, slug string) ([]TableInfo, error) {
	if _, _, err := s.institution(ctx, a, slug); err != nil {
		return nil, err
	}
	rows, err := s.db.Tables(ctx, slug)
	if err != nil {
		return nil, storeErr("tables of "+slug, err)
	}
	out := make([]TableInfo, 0, len(rows))
	for _, r := range rows {
		t, err := transcript.ParseTableJSON(r.TableID, r.Body)
		if err != nil {
			return nil, fmt.Errorf("stored table %s@%s: %w", r.TableID, r.Version, err)
		}
		out = append(out, TableInfo{TableInfo: t.TableInfo, Rows: len(t.Rows), Uploaded: r.Uploaded.Format(timeFormat)})
	}
	return out, nil
}

func (s *Service) loadTables(ctx context.Context, ops store.Ops, slug string) ([]transcript.Table, error) {
	rows, err := ops.Tables(ctx, slug)
	if err != nil {
		return nil, err
	}
	return parseTables(rows)
}

func parseTables(rows []store.Table) ([]transcript.Table, error) {
	out := make([]transcript.Table, 0, len(rows))
	for _, r := range rows {
		t, err := transcript.ParseTableJSON(r.TableID, r.Body)
		if err != nil {
			return nil, fmt.Errorf("stored table %s@%s: %w", r.TableID, r.Version, err)
		}
		out = append(out, t)
	}
	return out, nil
}

type engineEntry struct {
	versions string
	engine   *transcript.Engine
}

// engine returns the mapping engine over an institution's tables, built
// once per set of versions (another instance may have added one).
func (s *Service) engine(ctx context.Context, slug string) (*transcript.Engine, error) {
	rows, err := s.db.Tables(ctx, slug)
	if err != nil {
		return nil, storeErr("tables of "+slug, err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.TableID + "@" + r.Version + "\n")
	}
	if v, ok := s.engines.Load(slug); ok && v.(*engineEntry).versions == b.String() {
		return v.(*engineEntry).engine, nil
	}
	tables, err := parseTables(rows)
	if err != nil {
		return nil, err
	}
	e, err := transcript.NewEngine(tables, s.catalog())
	if err != nil {
		return nil, fmt.Errorf("tables of %s: %w", slug, err)
	}
	s.engines.Store(slug, &engineEntry{versions: b.String(), engine: e})
	return e, nil
}

func (s *Service) catalog() transcript.Catalog { return s.cfg.Skills }

// mediaTypeOf drops parameters (charset) from a Content-Type.
func mediaTypeOf(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}
