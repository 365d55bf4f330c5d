// Command verify checks a credential or presentation offline and reports
// every check (DESIGN.md "Contracts"):
//
//	verify [flags] FILE|-
//	verify serve [--addr 127.0.0.1:8090] [--trust FILE] [--jobs DIR] [flags]
//	verify report [--brief] FILE|-
//
// Exit status: 0 verified, 1 not verified (the report says why), 2 bad usage
// or unreadable input. verify serve runs the employer page
// (verifier/employer) until SIGINT or SIGTERM, then exits 0.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/schemas"
	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/employer"
	"github.com/satchel-wallet/satchel/verifier/requirements"
	"github.com/satchel-wallet/satchel/verifier/status"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// errUsage marks errors that are the caller's: exit status 2.
var errUsage = errors.New("usage")

const usage = `usage: verify [flags] FILE|-
       verify serve [--addr 127.0.0.1:8090] [--trust FILE] [--jobs DIR] [flags]   (the employer page; verify serve -h)
       verify report [--brief] FILE|-   (print a saved --json report, or an OpenID4VP result, in words)

Checks a credential or presentation offline (JSON-LD, JWT, SD-JWT, or a
badge baked into PNG or SVG). Exit status 0 verified, 1 not verified,
2 bad usage or unreadable input.

`

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

type flags struct {
	world             worldFlags
	challenge, domain string
	requirements      string
	json, fetchDIDWeb bool
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "serve" {
		return serve(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "report" {
		return report(args[1:], stdin, stdout, stderr)
	}
	var f flags
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	f.world.register(fs)
	fs.StringVar(&f.challenge, "challenge", "", "challenge a presentation's proof must carry")
	fs.StringVar(&f.domain, "domain", "", "domain a presentation's proof must carry")
	fs.StringVar(&f.requirements, "requirements", "", "job requirements `FILE`: report which are met")
	fs.BoolVar(&f.json, "json", false, "print the report as JSON")
	fs.BoolVar(&f.fetchDIDWeb, "fetch-did-web", false, "fetch did:web documents not preloaded, over HTTPS only (5 s timeout, 256 KiB limit); off by default: verification stays offline")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "verify: give exactly one FILE, or - for standard input")
		return 2
	}
	rep, err := verify(ctx, f, fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return 2
	}
	if f.json {
		// The same encoder as the page's POST /api/verify.
		if err := employer.EncodeReport(stdout, rep); err != nil {
			fmt.Fprintf(stderr, "verify: %v\n", err)
			return 2
		}
	} else {
		printReport(stdout, rep, "")
	}
	if !rep.Verified {
		return 1
	}
	return 0
}

// report prints a report saved as JSON — what verify --json, POST
// /api/verify or an OpenID4VP result ({"status", "report"}) gave — as verify
// prints it, with the same exit status.
func report(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	brief := len(args) > 0 && args[0] == "--brief"
	if brief {
		args = args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(stderr, "verify report: give exactly one FILE, or - for standard input")
		return 2
	}
	var raw []byte
	var err error
	if args[0] == "-" {
		raw, err = io.ReadAll(io.LimitReader(stdin, 16<<20))
	} else {
		raw, err = readFile(args[0])
	}
	if err != nil {
		fmt.Fprintf(stderr, "verify report: %v\n", err)
		return 2
	}
	var wrapped struct {
		Status string           `json:"status"`
		Report *verifier.Report `json:"report"`
	}
	var rep verifier.Report
	if err := json.Unmarshal(raw, &wrapped); err == nil && wrapped.Status != "" {
		if wrapped.Report == nil {
			fmt.Fprintf(stderr, "verify report: no report yet: the request is %s\n", wrapped.Status)
			return 2
		}
		rep = *wrapped.Report
	} else if err := json.Unmarshal(raw, &rep); err != nil || rep.Kind == "" {
		fmt.Fprintf(stderr, "verify report: %s is not a verification report\n", args[0])
		return 2
	}
	printReportAs(stdout, rep, "", brief)
	if !rep.Verified {
		return 1
	}
	return 0
}

// verify reads the input and the files the flags name, then verifies.
// Every error it returns is the caller's (exit status 2).
func verify(ctx context.Context, f flags, name string, stdin io.Reader) (verifier.Report, error) {
	w, err := loadWorld(f.world)
	if err != nil {
		return verifier.Report{}, err
	}
	opt := w.options()
	opt.Challenge, opt.Domain = f.challenge, f.domain
	if f.fetchDIDWeb {
		opt.DIDs = &did.Local{Cache: w.dids, Web: &did.WebFetcher{}}
	}
	if f.requirements != "" {
		raw, err := readFile(f.requirements)
		if err != nil {
			return verifier.Report{}, fmt.Errorf("--requirements: %w", err)
		}
		job, err := requirements.Parse(raw)
		if err != nil {
			return verifier.Report{}, fmt.Errorf("--requirements %s: %w", f.requirements, err)
		}
		opt.Requirements = job
	}
	var input []byte
	if name == "-" {
		input, err = io.ReadAll(io.LimitReader(stdin, maxInput+1))
	} else {
		input, err = readFile(name)
	}
	if err != nil {
		return verifier.Report{}, err
	}
	if len(input) == 0 {
		return verifier.Report{}, fmt.Errorf("%s is empty", name)
	}
	return verifier.Verify(ctx, input, opt)
}

// worldFlags are the flags verify and verify serve share: the world the
// verifier sees, all of it loaded from files at start.
type worldFlags struct {
	trust, at, contexts  string
	didDocs, statusLists multi
	skew                 time.Duration
}

func (f *worldFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.trust, "trust", "", "trust registry `FILE` (JSON list of recognised issuers)")
	fs.Var(&f.didDocs, "did-document", "preload a DID document `FILE` for offline resolution (repeatable)")
	fs.Var(&f.statusLists, "status-list", "preload a status list credential: `URL=FILE` (repeatable)")
	fs.StringVar(&f.at, "at", "", "verify as of this `RFC3339` time (default: now)")
	fs.StringVar(&f.contexts, "contexts", "", "`DIR` of extra JSON-LD contexts (index.json maps URL to file)")
	fs.DurationVar(&f.skew, "skew", verifier.DefaultSkew, "clock-skew tolerance for validity dates and proof times")
}

// world is what the flags loaded: the same for the command and the page,
// so both verify alike.
type world struct {
	at          time.Time // zero: now
	skew        time.Duration
	loader      *schemas.Loader
	dids        *did.Cache
	statusLists *status.Cache
	trust       *verifier.Registry
}

func loadWorld(f worldFlags) (*world, error) {
	w := &world{dids: did.NewCache(), statusLists: status.NewCache()}
	loaded := time.Now()
	if f.at != "" {
		t, err := time.Parse(time.RFC3339, f.at)
		if err != nil {
			return nil, fmt.Errorf("--at %q: want an RFC 3339 time like 2026-06-01T00:00:00Z", f.at)
		}
		w.at, loaded = t, t
	}
	if f.contexts != "" {
		l, err := schemas.DefaultLoader().With(os.DirFS(f.contexts))
		if err != nil {
			return nil, fmt.Errorf("--contexts: %w", err)
		}
		w.loader = l
	}
	for _, p := range f.didDocs {
		raw, err := readFile(p)
		if err != nil {
			return nil, fmt.Errorf("--did-document: %w", err)
		}
		if _, err := w.dids.Add(raw, loaded); err != nil {
			return nil, fmt.Errorf("--did-document %s: %w", p, err)
		}
	}
	if f.skew < 0 {
		return nil, fmt.Errorf("--skew %s: want a non-negative duration", f.skew)
	}
	w.skew = f.skew
	if f.skew == 0 {
		w.skew = -1 // no tolerance (zero would mean the library's default)
	}
	for _, s := range f.statusLists {
		url, file, ok := strings.Cut(s, "=")
		if !ok || url == "" || file == "" {
			return nil, fmt.Errorf("--status-list %q: want URL=FILE", s)
		}
		raw, err := readFile(file)
		if err != nil {
			return nil, fmt.Errorf("--status-list: %w", err)
		}
		w.statusLists.Add(url, raw, loaded)
	}
	if f.trust != "" {
		raw, err := readFile(f.trust)
		if err != nil {
			return nil, fmt.Errorf("--trust: %w", err)
		}
		reg, err := verifier.ParseRegistry(raw, filepath.Base(f.trust))
		if err != nil {
			return nil, fmt.Errorf("--trust %s: %w", f.trust, err)
		}
		w.trust = reg
	}
	return w, nil
}

// options are the verifier's options for the command: offline, did:web
// only from the preloaded documents.
func (w *world) options() verifier.Options {
	now := w.at
	if now.IsZero() {
		now = time.Now()
	}
	return verifier.Options{Now: now, Skew: w.skew, Loader: w.loader, DIDs: &did.Local{Cache: w.dids},
		StatusLists: w.statusLists, Trust: w.trust}
}

// maxInput bounds what verify reads: baked images may be larger than the
// credential limit; the library checks the credential itself.
const maxInput = 16 << 20

func readFile(p string) ([]byte, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("%s is larger than %d bytes", p, maxInput)
	}
	return b, nil
}

// printReport writes the human summary: a verdict, who issued it, each
// check, and what it proves.
func printReport(w io.Writer, r verifier.Report, indent string) {
	printReportAs(w, r, indent, false)
}

// printBrief is one line for a nested credential, and its failed checks.
func printBrief(w io.Writer, n int, r verifier.Report, indent string) {
	mark := map[bool]string{true: "✓", false: "✗"}
	issuer := r.IssuerName
	if r.TrustedAs != "" {
		issuer = r.TrustedAs
	}
	fmt.Fprintf(w, "%s%s credential %d: “%s” from %s\n", indent, mark[r.Verified], n, r.Name, issuer)
	for _, c := range r.Checks {
		if !c.OK {
			fmt.Fprintf(w, "%s    ✗ %-13s %s\n", indent, c.Check, c.Detail)
		}
	}
}

// printReportAs prints a report; brief prints nested credentials one line
// each, with only their failed checks.
func printReportAs(w io.Writer, r verifier.Report, indent string, brief bool) {
	mark := map[bool]string{true: "✓", false: "✗"}
	verdict := "VERIFIED"
	if !r.Verified {
		verdict = "NOT VERIFIED"
	}
	what := r.Kind
	if r.Name != "" {
		what += " “" + r.Name + "”"
	}
	format := r.Format
	if r.Container != "" {
		format += ", baked in " + r.Container
	}
	fmt.Fprintf(w, "%s%s %s: %s (%s)\n", indent, mark[r.Verified], verdict, what, format)
	if r.Issuer != "" {
		name := r.IssuerName
		if r.TrustedAs != "" {
			name = r.TrustedAs
		}
		if name != "" {
			fmt.Fprintf(w, "%s  issuer:  %s (%s)\n", indent, name, r.Issuer)
		} else {
			fmt.Fprintf(w, "%s  issuer:  %s\n", indent, r.Issuer)
		}
	}
	if r.Holder != "" {
		fmt.Fprintf(w, "%s  holder:  %s\n", indent, r.Holder)
	}
	if r.Subject != "" && r.Kind == "credential" {
		fmt.Fprintf(w, "%s  subject: %s\n", indent, r.Subject)
	}
	for _, c := range r.Checks {
		fmt.Fprintf(w, "%s  %s %-15s %s\n", indent, mark[c.OK], c.Check, c.Detail)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "%s  ✗ error           %s\n", indent, e)
	}
	for _, a := range r.Achievements {
		fmt.Fprintf(w, "%s  achievement: %s", indent, a.Name)
		if a.Type != "" {
			fmt.Fprintf(w, " (%s)", a.Type)
		}
		fmt.Fprintln(w)
		for _, s := range a.Skills {
			fmt.Fprintf(w, "%s    skill: %s", indent, s.Name)
			if s.Code != "" {
				fmt.Fprintf(w, " [%s %s]", s.Framework, s.Code)
			}
			fmt.Fprintln(w)
		}
		for _, e := range a.Equivalents {
			fmt.Fprintf(w, "%s    equivalent credit: %s\n", indent, e.Name)
		}
	}
	if len(r.Requirements) > 0 {
		met := 0
		for _, q := range r.Requirements {
			if q.Met {
				met++
			}
		}
		fmt.Fprintf(w, "%s  job requirements met: %d of %d\n", indent, met, len(r.Requirements))
	}
	for _, q := range r.Requirements {
		fmt.Fprintf(w, "%s  %s %s", indent, mark[q.Met], q.Name)
		if len(q.By) > 0 {
			fmt.Fprintf(w, " — by %s", strings.Join(q.By, "; "))
		}
		fmt.Fprintln(w)
		if q.Detail != "" {
			fmt.Fprintf(w, "%s      %s\n", indent, q.Detail)
		}
	}
	for i, c := range r.Credentials {
		if brief {
			printBrief(w, i+1, c, indent+"  ")
			continue
		}
		fmt.Fprintf(w, "%s  credential %d:\n", indent, i+1)
		printReport(w, c, indent+"    ")
	}
}
