// Command wallet is the learner's wallet on the command line, over the same
// API as the app (DESIGN.md "Contracts"):
//
//	wallet --db PATH init | import FILE|URI|- | list [--json] | show ID | search Q | verify ID
//	    | portfolio create|add|remove|list|show ... | present PORTFOLIO [--challenge --domain --format] [--out FILE]
//	    | respond REQUEST_URI [--choose ID,ID | --portfolio NAME | --yes] | refresh | sync | backup FILE | restore FILE
//
// Passphrases come from --passphrase-file or SATCHEL_PASSPHRASE, never a
// flag value. Exit status: 0 done (verify: verified), 1 the credential did
// not verify or the work failed (a refusal, or work left waiting in the
// sync queue for the network), 2 bad usage or unreadable input.
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/status"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

var (
	errUsage  = errors.New("usage")
	errFailed = errors.New("failed") // exit 1 after the command printed why
)

const usage = `usage: wallet --db PATH [--passphrase-file FILE] COMMAND

commands:
  init                 create the wallet and the learner's key (did:key)
  import FILE|URI|-    verify a credential (JSON-LD, JWT, SD-JWT, baked PNG/SVG)
                       and store it; --keep-unverified keeps one that fails,
                       --did-document FILE and --status-list URL=FILE add
                       what offline verification needs to the wallet.
                       A credential offer (openid-credential-offer://…, or a
                       file holding one) is redeemed: the credentials are
                       received for your key, with what verifying them
                       offline needs; --tx-code CODE gives the code the
                       institution sent (asked for on a terminal)
  list [--json]        the credentials, newest first
  show ID              one credential: what it proves and its last report
  search QUERY         full-text search over titles, issuers, skills, courses
  verify ID            verify a stored credential again, offline
  portfolio create NAME | add [--note TEXT] PORTFOLIO ID | remove PORTFOLIO ID
          | list | show PORTFOLIO
                       curate credentials for one application
  present PORTFOLIO [--challenge S] [--domain S] [--format ldp_vp|vp+jwt] [--out FILE]
          [--disclose ID=CLAIM,CLAIM]
                       a presentation of the portfolio signed with your key
                       (an SD-JWT credential shows only the claims disclosed)
  respond REQUEST_URI [--choose ID,ID | --portfolio NAME | --yes] [--format F] [--disclose ID=CLAIMS] [--json]
                       answer an employer's request (openid4vp://…): without
                       --choose, show what it asks for and what matches
  refresh [--json]     fetch the issuers' DID documents and status lists again
                       and verify every credential again (revocations show)
  sync [--json]        run the actions waiting for the network (offers to
                       redeem need the passphrase; answers to post)
  backup FILE          an encrypted archive of the whole wallet
  restore FILE         a backup into a new wallet at --db

import, respond, refresh and sync take --insecure-localhost: plain http to
this machine, for the local demo's issuer and employer page only.
`

type env struct {
	ctx    context.Context
	db     string
	pass   func() ([]byte, error)
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("wallet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	db := fs.String("db", "", "the wallet's database `PATH` (SQLite)")
	passFile := fs.String("passphrase-file", "", "read the passphrase from `FILE` (else SATCHEL_PASSPHRASE)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	e := env{ctx: ctx, db: *db, stdin: stdin, stdout: stdout, stderr: stderr,
		pass: func() ([]byte, error) { return passphrase(*passFile, getenv) }}
	if fs.NArg() == 0 || *db == "" {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	var err error
	switch cmd {
	case "init":
		err = e.init(rest)
	case "import":
		err = e.importCmd(rest)
	case "list":
		err = e.list(rest)
	case "show":
		err = e.show(rest)
	case "search":
		err = e.search(rest)
	case "verify":
		err = e.verify(rest)
	case "portfolio":
		err = e.portfolio(rest)
	case "present":
		err = e.present(rest)
	case "respond":
		err = e.respond(rest)
	case "refresh":
		err = e.refresh(rest)
	case "sync":
		err = e.sync(rest)
	case "backup":
		err = e.backup(rest)
	case "restore":
		err = e.restore(rest)
	default:
		err = fmt.Errorf("%w: unknown command %q (run wallet --help)", errUsage, cmd)
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errFailed):
		return 1
	case errors.Is(err, errUsage), errors.Is(err, wallet.ErrUnreadable):
		fmt.Fprintf(stderr, "wallet: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "wallet: %v\n", err)
		return 1
	}
}

func passphrase(file string, getenv func(string) string) ([]byte, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%w: --passphrase-file: %v", errUsage, err)
		}
		return []byte(strings.TrimRight(string(b), "\r\n")), nil
	}
	if p := getenv("SATCHEL_PASSPHRASE"); p != "" {
		return []byte(p), nil
	}
	return nil, fmt.Errorf("%w: give the passphrase with --passphrase-file or SATCHEL_PASSPHRASE", errUsage)
}

// open opens an existing wallet (create: a new one).
func (e env) open(create bool) (*sqlitestore.Store, error) {
	if _, err := os.Stat(e.db); err != nil && !create {
		return nil, fmt.Errorf("%w: no wallet at %s (run wallet --db %s init)", errUsage, e.db, e.db)
	} else if err == nil && create {
		return nil, fmt.Errorf("%w: %s exists already", errUsage, e.db)
	}
	return sqlitestore.Open(e.ctx, e.db, sqlitestore.Options{})
}

func (e env) init(args []string) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: init takes no arguments", errUsage)
	}
	pass, err := e.pass()
	if err != nil {
		return err
	}
	st, err := e.open(true)
	if err != nil {
		return err
	}
	defer st.Close()
	k, err := (&wallet.Keyring{Store: st}).Create(e.ctx, pass)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created wallet %s\nyour DID: %s\n", e.db, k.DID)
	return nil
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func (e env) importCmd(args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	keep := fs.Bool("keep-unverified", false, "store a credential that does not verify, marked so")
	var didDocs, lists multi
	fs.Var(&didDocs, "did-document", "add a DID document `FILE` to the wallet's offline cache (repeatable)")
	fs.Var(&lists, "status-list", "add a status list credential `URL=FILE` to the cache (repeatable)")
	txCode := fs.String("tx-code", "", "the transaction `CODE` an offer needs (the institution sent it separately)")
	insecure := insecureFlag(fs)
	pos, err := parseAll(fs, args)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: import FILE|URI|-", errUsage)
	}
	arg := pos[0]
	if looksLikeOffer([]byte(arg)) {
		return e.redeem(arg, *txCode, false, netOptions(*insecure))
	}
	raw, err := readInput(arg, e.stdin)
	if err != nil {
		return err
	}
	if looksLikeOffer(raw) {
		if len(didDocs)+len(lists) > 0 || *keep {
			return fmt.Errorf("%w: an offer is redeemed with what its issuer publishes: --did-document, --status-list and --keep-unverified do not apply", errUsage)
		}
		return e.redeem(string(raw), *txCode, arg == "-", netOptions(*insecure))
	}
	if *txCode != "" {
		return fmt.Errorf("%w: --tx-code is for a credential offer, and this is not one", errUsage)
	}
	st, err := e.open(false)
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now()
	var cached []wallet.Cached
	for _, p := range didDocs {
		b, err := readInput(p, nil)
		if err != nil {
			return err
		}
		doc, err := did.ParseDocument(b)
		if err != nil {
			return fmt.Errorf("%w: --did-document %s: %v", errUsage, p, err)
		}
		cached = append(cached, wallet.Cached{Kind: wallet.CacheDIDDocument, Key: doc.ID, Data: b, FetchedAt: now})
	}
	for _, s := range lists {
		url, file, ok := strings.Cut(s, "=")
		if !ok || url == "" {
			return fmt.Errorf("%w: --status-list %q: want URL=FILE", errUsage, s)
		}
		b, err := readInput(file, nil)
		if err != nil {
			return err
		}
		// Checked as --did-document is: a file that is not a status list is
		// refused now, not cached to fail every verification later.
		if _, err := status.ParseListCredential(b); err != nil {
			return fmt.Errorf("%w: --status-list %s: %v", errUsage, file, err)
		}
		cached = append(cached, wallet.Cached{Kind: wallet.CacheStatusList, Key: url, Data: b, FetchedAt: now})
	}
	for _, c := range cached {
		if err := st.PutCached(e.ctx, c); err != nil {
			return err
		}
	}
	opt, err := wallet.OfflineVerifier(e.ctx, st)
	if err != nil {
		return err
	}
	w := &wallet.Wallet{Store: st, Verifier: opt}
	c, _, err := w.Import(e.ctx, raw, wallet.ImportOptions{KeepUnverified: *keep})
	var nv *wallet.NotVerifiedError
	switch {
	case errors.As(err, &nv):
		fmt.Fprintf(e.stdout, "refused: %v\n(nothing was stored; --keep-unverified keeps it marked unverified)\n", err)
		return errFailed
	case err != nil:
		return err
	}
	printImported(e, c)
	return nil
}

func (e env) list(args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return fmt.Errorf("%w: list [--json]", errUsage)
	}
	return e.query(wallet.Query{Limit: 500}, *asJSON)
}

func (e env) search(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: search QUERY", errUsage)
	}
	return e.query(wallet.Query{Text: strings.Join(args, " "), Limit: 500}, false)
}

func (e env) query(q wallet.Query, asJSON bool) error {
	st, err := e.open(false)
	if err != nil {
		return err
	}
	defer st.Close()
	var all []wallet.Entry
	for {
		p, err := st.Search(e.ctx, q)
		if err != nil {
			return err
		}
		all = append(all, p.Entries...)
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		out := make([]entryJSON, 0, len(all))
		for _, c := range all {
			out = append(out, entryView(c))
		}
		return enc.Encode(out)
	}
	if len(all) == 0 {
		fmt.Fprintln(e.stdout, "no credentials")
	}
	for _, c := range all {
		fmt.Fprintf(e.stdout, "%4d  %-9s %-15s %s — %s\n", c.ID, c.Status, c.Kind, c.Title, c.IssuerName)
	}
	return nil
}

func (e env) credential(args []string) (*sqlitestore.Store, wallet.Credential, error) {
	if len(args) != 1 {
		return nil, wallet.Credential{}, fmt.Errorf("%w: give one credential ID", errUsage)
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return nil, wallet.Credential{}, fmt.Errorf("%w: %q is not a credential ID", errUsage, args[0])
	}
	st, err := e.open(false)
	if err != nil {
		return nil, wallet.Credential{}, err
	}
	c, err := st.Credential(e.ctx, id)
	if err != nil {
		st.Close()
		return nil, wallet.Credential{}, err
	}
	return st, c, nil
}

func (e env) show(args []string) error {
	st, c, err := e.credential(args)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(e.stdout, "%s\n  issuer:   %s (%s)\n  kind:     %s\n  format:   %s\n  status:   %s (checked %s)\n",
		c.Title, c.IssuerName, c.IssuerID, c.Kind, c.Format, c.Status, c.VerifiedAt.Format(time.RFC3339))
	if !c.IssuedAt.IsZero() {
		fmt.Fprintf(e.stdout, "  issued:   %s\n", c.IssuedAt.Format("2006-01-02"))
	}
	for _, s := range c.Skills {
		fmt.Fprintf(e.stdout, "  skill:    %s %s\n", s.Name, s.Code)
	}
	for _, k := range c.Credits {
		fmt.Fprintf(e.stdout, "  credit:   %s\n            %s\n", creditName(k), k.Explanation)
	}
	return nil
}

func (e env) verify(args []string) error {
	st, c, err := e.credential(args)
	if err != nil {
		return err
	}
	defer st.Close()
	opt, err := wallet.OfflineVerifier(e.ctx, st)
	if err != nil {
		return err
	}
	opt.Now = time.Now()
	rep, err := verifier.Verify(e.ctx, c.Raw, opt)
	if err != nil {
		return err
	}
	report, _ := json.Marshal(rep)
	v := wallet.Verification{Status: wallet.StatusVerified, At: opt.Now, Report: report}
	if !rep.Verified {
		v.Status = wallet.StatusFailed
	}
	if err := st.SetVerification(e.ctx, c.ID, v); err != nil {
		return err
	}
	mark := map[bool]string{true: "✓", false: "✗"}
	for _, ch := range rep.Checks {
		fmt.Fprintf(e.stdout, "%s %-15s %s\n", mark[ch.OK], ch.Check, ch.Detail)
	}
	if !rep.Verified {
		fmt.Fprintln(e.stdout, "not verified")
		return errFailed
	}
	fmt.Fprintln(e.stdout, "verified")
	return nil
}

const maxInput = wallet.MaxCredentialBytes

func readInput(name string, stdin io.Reader) ([]byte, error) {
	var r io.Reader
	if name == "-" && stdin != nil {
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %v", errUsage, name, err)
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", errUsage, name, maxInput)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: %s is empty", errUsage, name)
	}
	return b, nil
}

// entryJSON is a credential as list --json and search --json print it:
// the names respond --json uses too, times in RFC 3339, the digest in hex.
type entryJSON struct {
	ID             int64           `json:"id"`
	Title          string          `json:"title"`
	Kind           wallet.Kind     `json:"kind"`
	Status         wallet.Status   `json:"status"`
	VerifiedAt     string          `json:"verifiedAt,omitempty"`
	KeptUnverified bool            `json:"keptUnverified,omitempty"`
	Issuer         string          `json:"issuer"`
	IssuerName     string          `json:"issuerName,omitempty"`
	CredentialID   string          `json:"credentialId,omitempty"`
	Format         string          `json:"format"`
	Container      string          `json:"container,omitempty"`
	Types          []string        `json:"types,omitempty"`
	Description    string          `json:"description,omitempty"`
	Issued         string          `json:"issued,omitempty"`
	Expires        string          `json:"expires,omitempty"`
	Skills         []wallet.Skill  `json:"skills,omitempty"`
	Credits        []wallet.Credit `json:"credits,omitempty"`
	Added          string          `json:"added"`
	Digest         string          `json:"sha256"`
}

func entryView(c wallet.Entry) entryJSON {
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	return entryJSON{
		ID: c.ID, Title: c.Title, Kind: c.Kind, Status: c.Status, VerifiedAt: stamp(c.VerifiedAt), KeptUnverified: c.KeptUnverified,
		Issuer: c.IssuerID, IssuerName: c.IssuerName, CredentialID: c.CredentialID, Format: c.Format, Container: c.Container,
		Types: c.Types, Description: c.Description, Issued: stamp(c.IssuedAt), Expires: stamp(c.ExpiresAt),
		Skills: c.Skills, Credits: c.Credits, Added: stamp(c.AddedAt), Digest: hex.EncodeToString(c.Digest[:]),
	}
}
