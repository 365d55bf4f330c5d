package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/issuer/client"
	"github.com/satchel-wallet/satchel/transcript"
)

// The commands below talk to a running issuer service through its HTTP API
// (package client): what a registrar's script or the demo does.

type remoteFlags struct {
	url, tokenFile, institution string
	json                        bool
}

func (r *remoteFlags) register(fs *flag.FlagSet, needInstitution bool) {
	def := os.Getenv("SATCHEL_ISSUER_URL")
	if def == "" {
		def = "http://127.0.0.1:8080"
	}
	fs.StringVar(&r.url, "url", def, "the issuer service's URL (default $SATCHEL_ISSUER_URL or http://127.0.0.1:8080)")
	fs.StringVar(&r.tokenFile, "token-file", "", "`FILE` holding the API token (else $SATCHEL_ISSUER_TOKEN)")
	if needInstitution {
		fs.StringVar(&r.institution, "institution", "", "the institution's slug")
	}
	fs.BoolVar(&r.json, "json", false, "print the service's JSON answer")
}

func (r *remoteFlags) client(needInstitution bool) (*client.Client, error) {
	token := os.Getenv("SATCHEL_ISSUER_TOKEN")
	if r.tokenFile != "" {
		b, err := readFileLimited(r.tokenFile, 4096)
		if err != nil {
			return nil, fmt.Errorf("%w: --token-file: %v", errUsage, err)
		}
		token = strings.TrimSpace(string(b))
	}
	if token == "" {
		return nil, fmt.Errorf("%w: give the API token with --token-file or SATCHEL_ISSUER_TOKEN", errUsage)
	}
	if needInstitution && r.institution == "" {
		return nil, fmt.Errorf("%w: --institution is required", errUsage)
	}
	return &client.Client{BaseURL: r.url, Token: token}, nil
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

func remoteContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 5*time.Minute)
}

// runSeed creates the four sample institutions and their tables, and
// writes their API tokens as JSON (slug → token) to --tokens-out.
func runSeed(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var r remoteFlags
	r.register(fs, false)
	out := fs.String("tokens-out", "", "`FILE` to write the institutions' tokens to (mode 0600)")
	format := fs.String("format", "di", "how the institutions sign: di or jwt")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() != 0 {
		return fmt.Errorf("%w: seed --token-file ADMIN_TOKEN --tokens-out FILE", errUsage)
	}
	c, err := r.client(false)
	if err != nil {
		return err
	}
	ctx, cancel := remoteContext()
	defer cancel()
	tokens, err := c.CreateSamples(ctx, *format)
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(tokens, "", "  ")
	if err := os.WriteFile(*out, b, 0o600); err != nil {
		return err
	}
	for _, slug := range []string{"sierra-vista", "harbor-adult", "gs-electrical", "jst"} {
		if _, ok := tokens[slug]; ok {
			fmt.Fprintf(stdout, "created %s with its equivalency tables (%s)\n", slug, strings.Join(client.SampleTables[slug], ", "))
		}
	}
	return nil
}

// runSubmit sends an intake batch file: .json, .csv or .xml (PESC).
func runSubmit(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var r remoteFlags
	r.register(fs, true)
	key := fs.String("idempotency-key", "", "makes a retry safe: the same key and file get the first answer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: submit --institution SLUG FILE.json|FILE.csv|FILE.xml", errUsage)
	}
	c, err := r.client(true)
	if err != nil {
		return err
	}
	ct := map[string]string{".json": "application/json", ".csv": "text/csv", ".xml": "application/xml"}[strings.ToLower(filepath.Ext(fs.Arg(0)))]
	if ct == "" {
		return fmt.Errorf("%w: %s: a batch is a .json, .csv or .xml (PESC College Transcript) file", errUsage, fs.Arg(0))
	}
	body, err := readFileLimited(fs.Arg(0), 8<<20)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	ctx, cancel := remoteContext()
	defer cancel()
	res, replayed, err := c.Submit(ctx, r.institution, ct, body, *key)
	if err != nil {
		return err
	}
	if r.json {
		return writeJSON(stdout, res)
	}
	note := ""
	if replayed {
		note = " (a retry: the first answer again)"
	}
	fmt.Fprintf(stdout, "%s: %d records, %d credentials issued%s\n", r.institution, len(res.Records), res.Issued, note)
	for _, rec := range res.Records {
		credit := "no credit: " + rec.Reason
		if len(rec.Grants) > 0 {
			var cs []string
			for _, g := range rec.Grants {
				cs = append(cs, fmt.Sprintf("%s %s, %s (%s)", g.Course.Code, g.Course.Title, transcript.Units(g.Course.Units), g.Rule))
			}
			credit = strings.Join(cs, "; ")
		}
		fmt.Fprintf(stdout, "  %-28s %-10s %s\n    → %s\n    credential %s\n", rec.Record, rec.Learner, rec.Title, credit, rec.Credential)
	}
	return nil
}

// runOffer makes an OpenID4VCI offer for a learner and prints its link, by
// reference (credential_offer_uri; --json gives both forms), and writes
// its QR code with --qr.
func runOffer(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("offer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var r remoteFlags
	r.register(fs, true)
	learner := fs.String("learner", "", "the learner's ID at the institution")
	tx := fs.Bool("tx-code", false, "require a transaction code, printed for the learner")
	qr := fs.String("qr", "", "write the offer's QR code to this PNG `FILE`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *learner == "" || fs.NArg() > 100 {
		return fmt.Errorf("%w: offer --institution SLUG --learner ID [CREDENTIAL_ID...]", errUsage)
	}
	c, err := r.client(true)
	if err != nil {
		return err
	}
	ctx, cancel := remoteContext()
	defer cancel()
	var out struct {
		URI    string   `json:"uri"`
		ByRef  string   `json:"uriByReference"`
		TxCode string   `json:"txCode"`
		Creds  []string `json:"credentials"`
		QR     string   `json:"qr"`
	}
	_, err = c.Do(ctx, "POST", "/institutions/"+r.institution+"/learners/"+*learner+"/offers", "application/json",
		mustJSON(map[string]any{"credentials": fs.Args(), "txCode": *tx}), nil, &out)
	if err != nil {
		return err
	}
	if *qr != "" {
		png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(out.QR, "data:image/png;base64,"))
		if err != nil {
			return fmt.Errorf("QR code: %w", err)
		}
		if err := os.WriteFile(*qr, png, 0o644); err != nil {
			return err
		}
	}
	if r.json {
		out.QR = ""
		return writeJSON(stdout, out)
	}
	// The short link, by reference: what the QR code holds too.
	fmt.Fprintln(stdout, out.ByRef)
	if out.TxCode != "" {
		fmt.Fprintf(stderr, "transaction code for the learner: %s\n", out.TxCode)
	}
	return nil
}

// runStatus revokes, suspends or unsuspends a credential.
func runStatus(action string) func(args []string, stdout, stderr io.Writer) error {
	return func(args []string, stdout, stderr io.Writer) error {
		fs := flag.NewFlagSet(action, flag.ContinueOnError)
		fs.SetOutput(stderr)
		var r remoteFlags
		r.register(fs, true)
		reason := fs.String("reason", "", "why (kept in the audit log)")
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return fmt.Errorf("%w: %s --institution SLUG [--reason TEXT] CREDENTIAL_ID", errUsage, action)
		}
		c, err := r.client(true)
		if err != nil {
			return err
		}
		ctx, cancel := remoteContext()
		defer cancel()
		cred, err := c.SetStatus(ctx, r.institution, fs.Arg(0), action, *reason)
		if err != nil {
			return err
		}
		if r.json {
			return writeJSON(stdout, cred)
		}
		fmt.Fprintf(stdout, "%s: revoked=%v suspended=%v; the status list is re-signed\n", cred.ID, cred.Revoked, cred.Suspended)
		return nil
	}
}

// runTable uploads a version of an equivalency table (JSON, or CSV with
// its header given by flags).
func runTable(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("table", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var r remoteFlags
	r.register(fs, true)
	var info transcript.TableInfo
	fs.StringVar(&info.ID, "id", "", "CSV: the table's ID")
	fs.StringVar(&info.Version, "version", "", "CSV: the version")
	fs.StringVar(&info.Title, "title", "", "CSV: the title")
	fs.StringVar(&info.Owner, "owner", "", "CSV: who maintains it")
	from := fs.String("effective-from", "", "CSV: first day in force (YYYY-MM-DD)")
	until := fs.String("effective-until", "", "CSV: first day no longer in force")
	fs.Float64Var(&info.UnitCap, "unit-cap", 0, "CSV: most units one learner may get from it (0: no cap)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: table --institution SLUG FILE.json | FILE.csv --id --version --title --owner --effective-from", errUsage)
	}
	c, err := r.client(true)
	if err != nil {
		return err
	}
	body, err := readFileLimited(fs.Arg(0), transcript.MaxTableBytes)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	ctx, cancel := remoteContext()
	defer cancel()
	var res any
	if strings.HasSuffix(strings.ToLower(fs.Arg(0)), ".csv") {
		for _, f := range []struct {
			s string
			d *transcript.Date
		}{{*from, &info.EffectiveFrom}, {*until, &info.EffectiveUntil}} {
			if f.s != "" {
				if *f.d, err = transcript.ParseDate(f.s); err != nil {
					return fmt.Errorf("%w: %v", errUsage, err)
				}
			}
		}
		res, err = c.UploadTableCSV(ctx, r.institution, info, body)
	} else {
		res, err = c.UploadTableJSON(ctx, r.institution, body)
	}
	if err != nil {
		return err
	}
	return writeJSON(stdout, res)
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
