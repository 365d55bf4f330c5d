package main

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
)

var errHelp = errors.New("help shown")

type mapFlags struct {
	learner     string
	asOf        string
	tables      string
	credentials bool
	json        bool
	out         string
}

func runMap(args []string, stdout, stderr io.Writer) error {
	var f mapFlags
	fs := flag.NewFlagSet("map", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.learner, "learner", "", "map only this sample learner's records (by ID, e.g. L-1001)")
	fs.StringVar(&f.asOf, "as-of", "", "map with the tables in force on this date (YYYY-MM-DD; default today)")
	fs.StringVar(&f.tables, "tables", "", "use the tables named by this index.json instead of the sample tables")
	fs.BoolVar(&f.credentials, "credentials", false, "also print each record as an OB 3.0 AchievementCredential and each learner's CLR 2.0 transcript (unsigned)")
	fs.BoolVar(&f.json, "json", false, "print JSON instead of text")
	fs.StringVar(&f.out, "out", "", "also write each credential and transcript (unsigned) as a file under `DIR`/LEARNER/")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: map takes no arguments, got %q", errUsage, fs.Args())
	}
	now := time.Now().UTC()
	asOf := transcript.DateOf(now)
	if f.asOf != "" {
		d, err := transcript.ParseDate(f.asOf)
		if err != nil {
			return fmt.Errorf("%w: --as-of: %v", errUsage, err)
		}
		asOf = d
	}
	set, err := samples.Load()
	if err != nil {
		return fmt.Errorf("load sample data: %w", err)
	}
	if f.tables != "" {
		abs, err := filepath.Abs(f.tables)
		if err != nil {
			return fmt.Errorf("%w: --tables: %v", errUsage, err)
		}
		tables, err := transcript.LoadTables(os.DirFS(filepath.Dir(abs)), filepath.Base(abs))
		if err != nil {
			return fmt.Errorf("%w: --tables: %w", errUsage, err)
		}
		set.Tables = tables
	}
	eng, err := set.Engine()
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	learners := set.Learners
	if f.learner != "" {
		l, ok := set.Learner(f.learner)
		if !ok {
			return fmt.Errorf("%w: no sample learner %q", errUsage, f.learner)
		}
		learners = []transcript.Learner{l}
	}
	var out []learnerReport
	for _, l := range learners {
		rep, err := mapLearner(set, eng, l, asOf, now, f.credentials || f.out != "")
		if err != nil {
			return err
		}
		out = append(out, rep)
	}
	if f.out != "" {
		if err := writeFiles(f.out, out); err != nil {
			return err
		}
		if !f.credentials { // written, not printed
			for i := range out {
				out[i].Transcripts = nil
				for j := range out[i].Records {
					out[i].Records[j].Credential = nil
				}
			}
		}
	}
	if f.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"asOf": asOf, "learners": out})
	}
	return printText(stdout, set, asOf, out)
}

type learnerReport struct {
	Learner     transcript.Learner                 `json:"learner"`
	Records     []recordReport                     `json:"records"`
	Pathways    []transcript.Progress              `json:"pathways"`
	Transcripts []transcript.ClrCredential         `json:"transcripts,omitempty"`
	Credentials []transcript.AchievementCredential `json:"-"`
}

type recordReport struct {
	Record     transcript.Record                 `json:"record"`
	Mapping    transcript.Mapping                `json:"mapping"`
	Credential *transcript.AchievementCredential `json:"credential,omitempty"`
}

func mapLearner(set *samples.Set, eng *transcript.Engine, l transcript.Learner, asOf transcript.Date, now time.Time, creds bool) (learnerReport, error) {
	recs := set.RecordsOf(l.ID)
	maps := eng.MapLearner(recs, asOf)
	rep := learnerReport{Learner: l}
	byInst := map[string][]transcript.CLRItem{}
	for i, r := range recs {
		rr := recordReport{Record: r, Mapping: maps[i]}
		if creds {
			in, _ := set.Institution(r.Institution)
			c, err := transcript.BuildAchievement(in, l, r, maps[i], transcript.BuildOptions{ID: newURN(), Issued: now})
			if err != nil {
				return rep, fmt.Errorf("record %s: %w", r.ID, err)
			}
			rr.Credential = &c
			raw, err := json.Marshal(c)
			if err != nil {
				return rep, err
			}
			byInst[r.Institution] = append(byInst[r.Institution], transcript.CLRItem{Record: r, Mapping: maps[i], Credential: raw})
		}
		rep.Records = append(rep.Records, rr)
	}
	colleges := map[string]string{}
	for _, in := range set.Institutions {
		colleges[in.Slug] = in.Name
	}
	for _, p := range set.Pathways {
		rep.Pathways = append(rep.Pathways, p.Progress(recs, maps, colleges))
	}
	slugs := make([]string, 0, len(byInst))
	for s := range byInst {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	for _, s := range slugs {
		in, _ := set.Institution(s)
		clr, err := transcript.BuildCLR(in, l, byInst[s], transcript.BuildOptions{ID: newURN(), Issued: now})
		if err != nil {
			return rep, fmt.Errorf("transcript at %s: %w", s, err)
		}
		rep.Transcripts = append(rep.Transcripts, clr)
	}
	return rep, nil
}

func printText(w io.Writer, set *samples.Set, asOf transcript.Date, reps []learnerReport) error {
	pathways := map[string]transcript.Pathway{}
	for _, p := range set.Pathways {
		pathways[p.ID] = p
	}
	fmt.Fprintf(w, "Equivalency mapping as of %s\n", asOf)
	for _, rep := range reps {
		fmt.Fprintf(w, "\n== %s (%s)\n", rep.Learner.Name(), rep.Learner.ID)
		for _, rr := range rep.Records {
			r := rr.Record
			in, _ := set.Institution(r.Institution)
			fmt.Fprintf(w, "\n  [%s] %s %s, %s, completed %s\n", r.Kind.Title(), r.SourceID(), r.Title(), in.Name, r.Completed())
			for _, g := range rr.Mapping.Grants {
				fmt.Fprintf(w, "    + %s\n", wrap(g.Explanation, 6))
			}
			for _, d := range rr.Mapping.Decisions {
				fmt.Fprintf(w, "    - not granted (%s, %s): %s\n", d.Outcome, d.Rule, strings.Join(d.Reasons, "; "))
			}
			if len(rr.Mapping.Grants) == 0 && len(rr.Mapping.Decisions) == 0 {
				fmt.Fprintf(w, "    - %s\n", rr.Mapping.Reason)
			}
			if rr.Credential != nil {
				if err := printJSON(w, "    OB 3.0 AchievementCredential (unsigned):", rr.Credential); err != nil {
					return err
				}
			}
		}
		for _, p := range rep.Pathways {
			if p.Covered() == 0 {
				continue
			}
			pw := pathways[p.Pathway]
			fmt.Fprintf(w, "\n  Pathway %s (%s): %d of %d steps covered", pw.Title, pw.Sector, p.Covered(), len(p.Steps))
			if p.Next != nil {
				fmt.Fprintf(w, "; next stackable step: %s", p.Next.Title)
			}
			fmt.Fprintln(w)
		}
		for _, t := range rep.Transcripts {
			if err := printJSON(w, "\n  CLR 2.0 ClrCredential (unsigned):", t); err != nil {
				return err
			}
		}
	}
	return nil
}

func printJSON(w io.Writer, title string, v any) error {
	b, err := json.MarshalIndent(v, "    ", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n    %s\n", title, b)
	return err
}

// wrap folds long explanations for a terminal.
func wrap(s string, indent int) string {
	var b strings.Builder
	col := 0
	for i, word := range strings.Fields(s) {
		if i > 0 && col+len(word) > 90 {
			b.WriteString("\n" + strings.Repeat(" ", indent))
			col = 0
		} else if i > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += len(word)
	}
	return b.String()
}

// newURN is a random (version 4) UUID URN for a credential id.
func newURN() string {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}

// writeFiles writes LEARNER/RECORD.json for each credential and
// LEARNER/clr-INSTITUTION.json for each transcript.
func writeFiles(dir string, reps []learnerReport) error {
	for _, rep := range reps {
		d := filepath.Join(dir, rep.Learner.ID)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		write := func(name string, v any) error {
			b, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(d, name), append(b, '\n'), 0o644)
		}
		for _, rr := range rep.Records {
			if rr.Credential != nil {
				if err := write(rr.Record.ID+".json", rr.Credential); err != nil {
					return err
				}
			}
		}
		for _, t := range rep.Transcripts {
			slug := t.Issuer.ID[strings.LastIndex(t.Issuer.ID, ":")+1:]
			if err := write("clr-"+slug+".json", t); err != nil {
				return err
			}
		}
	}
	return nil
}
