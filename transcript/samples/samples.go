// Package samples holds Satchel's sample data: four institutions (one of each
// kind), a skills catalogue, equivalency tables for the priority sectors,
// career pathways, and learners with mixed records. Every identifier in it is
// invented for the sample and marked so; none is a real person's or a real
// approval.
//
// The demo, the issuer's first-run seed and tests use it. It is not a place
// for production tables: institutions load their own.
package samples

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/satchel-wallet/satchel/transcript"
)

//go:embed data
var data embed.FS

// FS is the sample files, rooted at the data directory.
func FS() fs.FS {
	sub, err := fs.Sub(data, "data")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	return sub
}

// Set is the whole sample, parsed and checked.
type Set struct {
	Institutions []transcript.Institution
	Learners     []transcript.Learner
	Records      []transcript.Record
	Skills       transcript.Catalog
	Tables       []transcript.Table
	Pathways     []transcript.Pathway
}

// Load parses and validates every sample file.
func Load() (*Set, error) {
	fsys := FS()
	s := &Set{}
	var skills []transcript.Skill
	var errs []error
	for _, f := range []struct {
		name string
		v    any
	}{
		{"institutions.json", &s.Institutions},
		{"learners.json", &s.Learners},
		{"records.json", &s.Records},
		{"skills.json", &skills},
		{"pathways.json", &s.Pathways},
	} {
		if err := decode(fsys, f.name, f.v); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var err error
	if s.Skills, err = transcript.NewCatalog(skills); err != nil {
		return nil, fmt.Errorf("skills.json: %w", err)
	}
	if s.Tables, err = transcript.LoadTables(fsys, "tables/index.json"); err != nil {
		return nil, err
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

func decode(fsys fs.FS, name string, v any) error {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// check validates every entry and the references between files.
func (s *Set) check() error {
	var errs []error
	inst := map[string]transcript.Institution{}
	for _, in := range s.Institutions {
		if err := in.Validate(); err != nil {
			errs = append(errs, err)
		}
		inst[in.Slug] = in
	}
	learners := map[string]bool{}
	for _, l := range s.Learners {
		if err := l.Validate(); err != nil {
			errs = append(errs, err)
		}
		learners[l.ID] = true
	}
	ids := map[string]bool{}
	for i, r := range s.Records {
		if err := r.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("records[%d] %s: %w", i, r.ID, err))
		}
		if in, ok := inst[r.Institution]; !ok || in.Kind != r.Kind {
			errs = append(errs, fmt.Errorf("records[%d] %s: institution %q is not a sample %s institution", i, r.ID, r.Institution, r.Kind))
		}
		if !learners[r.Learner] {
			errs = append(errs, fmt.Errorf("records[%d] %s: unknown learner %q", i, r.ID, r.Learner))
		}
		if ids[r.Institution+"/"+r.ID] {
			errs = append(errs, fmt.Errorf("records[%d]: id %s repeats", i, r.ID))
		}
		ids[r.Institution+"/"+r.ID] = true
	}
	for _, p := range s.Pathways {
		if err := p.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if _, err := s.Engine(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Engine is a mapping engine over the sample tables and skills.
func (s *Set) Engine() (*transcript.Engine, error) {
	return transcript.NewEngine(s.Tables, s.Skills)
}

// Institution finds a sample institution by slug.
func (s *Set) Institution(slug string) (transcript.Institution, bool) {
	for _, in := range s.Institutions {
		if in.Slug == slug {
			return in, true
		}
	}
	return transcript.Institution{}, false
}

// Learner finds a sample learner by ID.
func (s *Set) Learner(id string) (transcript.Learner, bool) {
	for _, l := range s.Learners {
		if l.ID == id {
			return l, true
		}
	}
	return transcript.Learner{}, false
}

// RecordsOf lists a learner's records, in file order.
func (s *Set) RecordsOf(learner string) []transcript.Record {
	var out []transcript.Record
	for _, r := range s.Records {
		if r.Learner == learner {
			out = append(out, r)
		}
	}
	return out
}
