package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

// The commands that use the network: import of a credential offer
// (OpenID4VCI), respond (OpenID4VP), refresh and sync.

// parseAll parses flags that may come before, between or after the
// positional arguments, and returns those.
func parseAll(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func insecureFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("insecure-localhost", false, "allow plain http to localhost, 127.0.0.1 and ::1 (the local demo; never for real issuers)")
}

func netOptions(insecure bool) wallet.NetOptions {
	return wallet.NetOptions{LoopbackHTTP: insecure}
}

// looksLikeOffer tells an offer (link or JSON) from a credential.
func looksLikeOffer(b []byte) bool {
	s := strings.TrimSpace(string(b))
	low := strings.ToLower(s)
	switch {
	case strings.HasPrefix(low, wallet.OfferScheme):
		return true
	case strings.HasPrefix(low, "https://") || strings.HasPrefix(low, "http://"):
		return strings.Contains(s, "credential_offer")
	case strings.HasPrefix(s, "{"):
		var m map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &m) != nil {
			return false
		}
		_, ok := m["credential_issuer"]
		return ok
	}
	return false
}

// unlock opens the learner's holder key.
func (e env) unlock(st *sqlitestore.Store) (proof.Signer, error) {
	pass, err := e.pass()
	if err != nil {
		return nil, err
	}
	keys, err := st.HolderKeys(e.ctx)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, errors.New("the wallet has no holder key (run init)")
	}
	return (&wallet.Keyring{Store: st}).Unlock(e.ctx, keys[0].DID, pass)
}

// terminal reports whether r is an interactive terminal.
func terminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// redeem is import with an offer: the credentials are received, verified
// and stored, or nothing is.
func (e env) redeem(text string, txCode string, fromStdin bool, opt wallet.NetOptions) error {
	offer, err := wallet.ParseOffer(text)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	st, err := e.open(false)
	if err != nil {
		return err
	}
	defer st.Close()
	holder, err := e.unlock(st)
	if err != nil {
		return err
	}
	if resolved, err := wallet.ResolveOffer(e.ctx, offer, opt); err == nil {
		offer = resolved
	} // offline: RedeemOffer queues the reference as it is
	if !offer.ByReference() && offer.TxCode != nil && txCode == "" {
		if fromStdin || !terminal(e.stdin) {
			return fmt.Errorf("%w: this offer needs the transaction code the institution sent you: --tx-code CODE", errUsage)
		}
		desc := offer.TxCode.Description
		if desc == "" {
			desc = "Enter the transaction code the institution sent you."
		}
		fmt.Fprintf(e.stderr, "%s\ntransaction code: ", desc)
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		txCode = strings.TrimSpace(line)
	}
	w := &wallet.Wallet{Store: st}
	creds, err := w.RedeemOffer(e.ctx, offer, txCode, holder, opt)
	var (
		nv *wallet.NotVerifiedError
		qe *wallet.QueuedError
	)
	switch {
	case errors.As(err, &qe):
		fmt.Fprintf(e.stdout, "offline: the offer waits in the queue as action %d (%v)\nrun `wallet sync` when the network is back\n", qe.Action, qe.Cause)
		return errFailed
	case errors.As(err, &nv):
		fmt.Fprintf(e.stdout, "refused: %v\n(nothing was stored)\n", err)
		return errFailed
	case errors.Is(err, wallet.ErrBadOffer):
		return fmt.Errorf("%w: %v", errUsage, err)
	case err != nil:
		return err
	}
	fmt.Fprintf(e.stdout, "received %d credential(s) from %s\n", len(creds), offer.CredentialIssuer)
	for _, c := range creds {
		printImported(e, c)
	}
	return nil
}

func printImported(e env, c wallet.Credential) {
	fmt.Fprintf(e.stdout, "imported %d: %s — %s (%s, %s)\n", c.ID, c.Title, c.IssuerName, c.Kind, c.Status)
	for _, k := range c.Credits {
		fmt.Fprintf(e.stdout, "  equivalent credit: %s\n", creditName(k))
	}
}

// creditName names a course once: Satchel's issuer writes the alignment's
// name as "CODE Title (College)" already; others give the parts.
func creditName(k wallet.Credit) string {
	name := k.Title
	if !strings.HasPrefix(name, k.Course) {
		name = strings.TrimSpace(k.Course + " " + name)
	}
	if k.College != "" && !strings.Contains(name, k.College) {
		name += " (" + k.College + ")"
	}
	return name
}

// discloseFlag collects --disclose ID=PATH,PATH.
type discloseFlag map[int64][]string

func (d discloseFlag) String() string { return "" }

func (d discloseFlag) Set(v string) error {
	ids, paths, ok := strings.Cut(v, "=")
	id, err := strconv.ParseInt(ids, 10, 64)
	if !ok || err != nil || paths == "" {
		return fmt.Errorf("want ID=CLAIM,CLAIM (such as 3=credentialSubject.licenseNumber)")
	}
	d[id] = append(d[id], strings.Split(paths, ",")...)
	return nil
}

// respond REQUEST_URI [--choose ID,ID | --portfolio NAME | --yes] [--format F] [--disclose ID=CLAIMS] [--json]
func (e env) respond(args []string) error {
	fs := flag.NewFlagSet("respond", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	choose := fs.String("choose", "", "send the credentials with these `IDS` (comma-separated)")
	portfolio := fs.String("portfolio", "", "send the credentials of this portfolio (`NAME` or ID), in its order")
	yes := fs.Bool("yes", false, "send every verified credential that matches the request")
	format := fs.String("format", wallet.FormatLDP, "ldp_vp (JSON-LD) or vp+jwt")
	asJSON := fs.Bool("json", false, "print JSON")
	disclose := discloseFlag{}
	fs.Var(disclose, "disclose", "for an SD-JWT credential, disclose these claims: `ID=CLAIM,CLAIM` (repeatable)")
	insecure := insecureFlag(fs)
	pos, err := parseAll(fs, args)
	if err != nil || len(pos) != 1 {
		return fmt.Errorf("%w: respond REQUEST_URI [--choose ID,ID | --portfolio NAME | --yes] [--format ldp_vp|vp+jwt] [--disclose ID=CLAIMS] [--json] [--insecure-localhost]", errUsage)
	}
	given := 0
	for _, b := range []bool{*choose != "", *portfolio != "", *yes} {
		if b {
			given++
		}
	}
	if given > 1 {
		return fmt.Errorf("%w: --choose, --portfolio and --yes: give one", errUsage)
	}
	var chosen []int64
	for _, s := range strings.Split(*choose, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%w: --choose: %q is not a credential ID", errUsage, s)
		}
		chosen = append(chosen, id)
	}
	opt := netOptions(*insecure)
	st, err := e.open(false)
	if err != nil {
		return err
	}
	defer st.Close()
	if *portfolio != "" {
		p, err := e.findPortfolio(st, *portfolio)
		if err != nil {
			return err
		}
		for _, it := range p.Items {
			chosen = append(chosen, it.ID)
		}
		if len(chosen) == 0 {
			return fmt.Errorf("portfolio %q is empty", p.Name)
		}
	}
	w := &wallet.Wallet{Store: st}
	req, err := w.FetchRequest(e.ctx, pos[0], opt)
	if errors.Is(err, wallet.ErrBadRequest) {
		return fmt.Errorf("%w: %v", errUsage, err)
	} else if err != nil {
		return err
	}
	matches, err := w.Match(e.ctx, req)
	if err != nil {
		return err
	}
	if *yes {
		seen := map[int64]bool{}
		for _, m := range matches {
			for _, c := range m.Credentials {
				if !seen[c.ID] {
					seen[c.ID] = true
					chosen = append(chosen, c.ID)
				}
			}
		}
		if len(chosen) == 0 {
			e.printRequest(req, matches, *asJSON, nil)
			return fmt.Errorf("%w: no verified credential in the wallet matches the request", errFailed)
		}
	}
	if len(chosen) == 0 {
		return e.printRequest(req, matches, *asJSON, nil)
	}
	holder, err := e.unlock(st)
	if err != nil {
		return err
	}
	resp, err := w.Respond(e.ctx, req, chosen, holder, wallet.RespondOptions{NetOptions: opt, Format: *format, Disclose: disclose})
	var qe *wallet.QueuedError
	switch {
	case errors.As(err, &qe):
		fmt.Fprintf(e.stdout, "offline: the answer waits in the queue as action %d (%v)\nrun `wallet sync` when the network is back (the verifier may no longer wait for it)\n", qe.Action, qe.Cause)
		return errFailed
	case errors.Is(err, wallet.ErrRefused):
		fmt.Fprintf(e.stdout, "the verifier refused the answer: %v\n", err)
		return errFailed
	case err != nil:
		return err
	}
	if *asJSON {
		return e.printRequest(req, matches, true, &sent{Credentials: chosen, Submission: resp.Submission, RedirectURI: resp.RedirectURI})
	}
	fmt.Fprintf(e.stdout, "sent %d credential(s) to %s; the verifier accepted the answer\n", len(chosen), hostOf(req.ClientID))
	if resp.RedirectURI != "" {
		fmt.Fprintf(e.stdout, "next: %s\n", resp.RedirectURI)
	}
	return nil
}

type sent struct {
	Credentials []int64         `json:"credentials"`
	Submission  json.RawMessage `json:"presentation_submission"`
	RedirectURI string          `json:"redirect_uri,omitempty"`
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return u
}

// printRequest shows who asks for what, and what in the wallet fits.
func (e env) printRequest(req wallet.Request, matches []wallet.Match, asJSON bool, s *sent) error {
	if asJSON {
		type entry struct {
			ID     int64  `json:"id"`
			Title  string `json:"title"`
			Issuer string `json:"issuer"`
			Status string `json:"status"`
		}
		type match struct {
			ID          string  `json:"id"`
			Name        string  `json:"name,omitempty"`
			Purpose     string  `json:"purpose,omitempty"`
			Credentials []entry `json:"credentials"`
			Unverified  []entry `json:"unverified"`
		}
		out := struct {
			Verifier   string  `json:"verifier"`
			ClientName string  `json:"clientName,omitempty"`
			Definition string  `json:"definition"`
			Matches    []match `json:"matches"`
			Sent       *sent   `json:"sent,omitempty"`
		}{Verifier: req.ClientID, ClientName: req.ClientName, Definition: req.DefinitionID, Matches: []match{}, Sent: s}
		conv := func(es []wallet.Entry) []entry {
			list := []entry{}
			for _, c := range es {
				list = append(list, entry{c.ID, c.Title, c.IssuerName, string(c.Status)})
			}
			return list
		}
		for _, m := range matches {
			out.Matches = append(out.Matches, match{m.ID, m.Name, m.Purpose, conv(m.Credentials), conv(m.Unverified)})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	name := req.ClientName
	if name == "" {
		name = "a verifier"
	}
	fmt.Fprintf(e.stdout, "%s (%s, says it is %q) asks for:\n", hostOf(req.ClientID), req.ClientID, name)
	for _, m := range matches {
		label := m.Name
		if label == "" {
			label = m.ID
		}
		fmt.Fprintf(e.stdout, "\n  %s\n", label)
		if m.Purpose != "" {
			fmt.Fprintf(e.stdout, "    %s\n", m.Purpose)
		}
		if len(m.Credentials) == 0 {
			fmt.Fprintln(e.stdout, "    nothing in the wallet matches")
		}
		for _, c := range m.Credentials {
			fmt.Fprintf(e.stdout, "    %4d  %s — %s\n", c.ID, c.Title, c.IssuerName)
		}
		for _, c := range m.Unverified {
			fmt.Fprintf(e.stdout, "    %4d  %s — %s (did not verify; the verifier would refuse it)\n", c.ID, c.Title, c.IssuerName)
		}
	}
	fmt.Fprintln(e.stdout, "\nrun respond again with --choose ID,ID (or --yes for every match) to answer")
	return nil
}

// refresh [--insecure-localhost] [--json]
func (e env) refresh(args []string) error {
	fs := flag.NewFlagSet("refresh", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	insecure := insecureFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if pos, err := parseAll(fs, args); err != nil || len(pos) != 0 {
		return fmt.Errorf("%w: refresh [--insecure-localhost] [--json]", errUsage)
	}
	st, err := e.open(false)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := (&wallet.Wallet{Store: st}).Refresh(e.ctx, netOptions(*insecure))
	if err != nil {
		return err
	}
	if *asJSON {
		type cred struct {
			ID     int64  `json:"id"`
			Title  string `json:"title"`
			Before string `json:"before"`
			Status string `json:"status"`
		}
		out := struct {
			Sync        syncJSON `json:"sync"`
			Credentials []cred   `json:"credentials"`
		}{Sync: toSyncJSON(rep.Sync), Credentials: []cred{}}
		for _, c := range rep.Credentials {
			out.Credentials = append(out.Credentials, cred{c.ID, c.Title, string(c.Before), string(c.Status)})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		e.printSync(rep.Sync)
		changed := 0
		for _, c := range rep.Credentials {
			if c.Status == c.Before {
				continue
			}
			changed++
			why := ""
			for _, ch := range c.Report.Checks {
				if !ch.OK {
					why = ": " + ch.Check + ": " + ch.Detail
					break
				}
			}
			fmt.Fprintf(e.stdout, "%4d  %s — %s → %s%s\n", c.ID, c.Title, c.Before, c.Status, why)
		}
		fmt.Fprintf(e.stdout, "verified %d credential(s) again; %d changed\n", len(rep.Credentials), changed)
	}
	if rep.Sync.Stopped != nil {
		return errFailed
	}
	return nil
}

// sync [--insecure-localhost] [--json]: run the queue; with the passphrase
// given, offers waiting there are redeemed too.
func (e env) sync(args []string) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	insecure := insecureFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if pos, err := parseAll(fs, args); err != nil || len(pos) != 0 {
		return fmt.Errorf("%w: sync [--insecure-localhost] [--json]", errUsage)
	}
	st, err := e.open(false)
	if err != nil {
		return err
	}
	defer st.Close()
	var holder proof.Signer
	if _, perr := e.pass(); perr == nil {
		if holder, err = e.unlock(st); err != nil {
			return err
		}
	}
	rep, err := (&wallet.Wallet{Store: st}).RunQueue(e.ctx, holder, netOptions(*insecure))
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(toSyncJSON(rep)); err != nil {
			return err
		}
	} else {
		e.printSync(rep)
		for _, c := range rep.Credentials {
			printImported(e, c)
		}
	}
	if rep.Stopped != nil {
		return errFailed
	}
	return nil
}

type actionJSON struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	Attempts int    `json:"attempts"`
	Detail   string `json:"detail"`
}

type syncJSON struct {
	Done      []actionJSON `json:"done"`
	Abandoned []actionJSON `json:"abandoned"`
	Skipped   []actionJSON `json:"skipped"`
	Stopped   *actionJSON  `json:"stopped"`
}

func toSyncJSON(r wallet.SyncReport) syncJSON {
	conv := func(os []wallet.ActionOutcome) []actionJSON {
		out := []actionJSON{}
		for _, o := range os {
			out = append(out, actionJSON{o.Action.ID, o.Action.Kind, o.Action.Attempts, o.Detail})
		}
		return out
	}
	s := syncJSON{Done: conv(r.Done), Abandoned: conv(r.Abandoned), Skipped: conv(r.Skipped)}
	if r.Stopped != nil {
		a := conv([]wallet.ActionOutcome{*r.Stopped})[0]
		s.Stopped = &a
	}
	return s
}

func (e env) printSync(r wallet.SyncReport) {
	var b bytes.Buffer
	for _, o := range r.Done {
		fmt.Fprintf(&b, "done      %4d %-15s %s\n", o.Action.ID, o.Action.Kind, o.Detail)
	}
	for _, o := range r.Abandoned {
		fmt.Fprintf(&b, "abandoned %4d %-15s %s\n", o.Action.ID, o.Action.Kind, o.Detail)
	}
	for _, o := range r.Skipped {
		fmt.Fprintf(&b, "waiting   %4d %-15s %s\n", o.Action.ID, o.Action.Kind, o.Detail)
	}
	if r.Stopped != nil {
		fmt.Fprintf(&b, "offline   %4d %-15s %s\n(it and the actions after it wait for the network)\n", r.Stopped.Action.ID, r.Stopped.Action.Kind, r.Stopped.Detail)
	}
	if b.Len() == 0 {
		b.WriteString("nothing to do\n")
	}
	e.stdout.Write(b.Bytes())
}
