package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

// portfolio create NAME | add PORTFOLIO ID [--note TEXT] | remove PORTFOLIO ID | list | show PORTFOLIO
func (e env) portfolio(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: portfolio create|add|remove|list|show", errUsage)
	}
	st, err := e.open(false)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub, rest := args[0], args[1:]; sub {
	case "create":
		if len(rest) != 1 || strings.TrimSpace(rest[0]) == "" {
			return fmt.Errorf("%w: portfolio create NAME", errUsage)
		}
		p, err := st.CreatePortfolio(e.ctx, rest[0], time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created portfolio %d: %s\n", p.ID, p.Name)
	case "add":
		fs := flag.NewFlagSet("portfolio add", flag.ContinueOnError)
		fs.SetOutput(e.stderr)
		note := fs.String("note", "", "why this credential is in the application")
		if err := fs.Parse(rest); err != nil || fs.NArg() != 2 {
			return fmt.Errorf("%w: portfolio add [--note TEXT] PORTFOLIO ID", errUsage)
		}
		p, err := e.findPortfolio(st, fs.Arg(0))
		if err != nil {
			return err
		}
		id, err := strconv.ParseInt(fs.Arg(1), 10, 64)
		if err != nil {
			return fmt.Errorf("%w: %q is not a credential ID", errUsage, fs.Arg(1))
		}
		if err := st.AddToPortfolio(e.ctx, p.ID, id, *note); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added credential %d to %s\n", id, p.Name)
	case "remove":
		if len(rest) != 2 {
			return fmt.Errorf("%w: portfolio remove PORTFOLIO ID", errUsage)
		}
		p, err := e.findPortfolio(st, rest[0])
		if err != nil {
			return err
		}
		id, err := strconv.ParseInt(rest[1], 10, 64)
		if err != nil {
			return fmt.Errorf("%w: %q is not a credential ID", errUsage, rest[1])
		}
		if err := st.RemoveFromPortfolio(e.ctx, p.ID, id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "removed credential %d from %s\n", id, p.Name)
	case "list":
		ps, err := st.Portfolios(e.ctx)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			fmt.Fprintln(e.stdout, "no portfolios")
		}
		for _, p := range ps {
			fmt.Fprintf(e.stdout, "%4d  %s (%d credentials)\n", p.ID, p.Name, len(p.Items))
		}
	case "show":
		if len(rest) != 1 {
			return fmt.Errorf("%w: portfolio show PORTFOLIO", errUsage)
		}
		p, err := e.findPortfolio(st, rest[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n", p.Name)
		for i, it := range p.Items {
			fmt.Fprintf(e.stdout, "%3d. [%d] %s — %s (%s)\n", i+1, it.ID, it.Title, it.IssuerName, it.Status)
			if it.Note != "" {
				fmt.Fprintf(e.stdout, "      note: %s\n", it.Note)
			}
		}
	default:
		return fmt.Errorf("%w: portfolio %s: want create, add, remove, list or show", errUsage, sub)
	}
	return nil
}

// findPortfolio takes a portfolio's number or its exact name.
func (e env) findPortfolio(st *sqlitestore.Store, ref string) (wallet.Portfolio, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return st.Portfolio(e.ctx, id)
	}
	ps, err := st.Portfolios(e.ctx)
	if err != nil {
		return wallet.Portfolio{}, err
	}
	for _, p := range ps {
		if p.Name == ref {
			return st.Portfolio(e.ctx, p.ID)
		}
	}
	return wallet.Portfolio{}, fmt.Errorf("portfolio %q: %w", ref, wallet.ErrNotFound)
}

// present PORTFOLIO [--challenge S --domain S --format ldp_vp|vp+jwt] [--out FILE] [--disclose ID=CLAIMS]
func (e env) present(args []string) error {
	fs := flag.NewFlagSet("present", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	challenge := fs.String("challenge", "", "the employer's challenge (nonce)")
	domain := fs.String("domain", "", "the employer's domain (audience)")
	format := fs.String("format", wallet.FormatLDP, "ldp_vp (JSON-LD, eddsa-rdfc-2022) or vp+jwt")
	out := fs.String("out", "", "write the presentation to `FILE` (default: standard output)")
	disclose := discloseFlag{}
	fs.Var(disclose, "disclose", "for an SD-JWT credential, disclose these claims: `ID=CLAIM,CLAIM` (repeatable)")
	// Flags may follow the portfolio: parse what comes after it too.
	var ref string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		ref, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if ref == "" && fs.NArg() == 1 {
		ref = fs.Arg(0)
	} else if ref == "" || fs.NArg() != 0 {
		return fmt.Errorf("%w: present PORTFOLIO [--challenge S] [--domain S] [--format ldp_vp|vp+jwt] [--out FILE] [--disclose ID=CLAIMS]", errUsage)
	}
	if _, err := e.pass(); err != nil {
		return err
	}
	st, err := e.open(false)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := e.findPortfolio(st, ref)
	if err != nil {
		return err
	}
	holder, err := e.unlock(st)
	if err != nil {
		return err
	}
	vp, err := (&wallet.Wallet{Store: st}).Present(e.ctx, p.ID, holder, wallet.PresentOptions{Format: *format, Challenge: *challenge, Domain: *domain, Disclose: disclose})
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = fmt.Fprintf(e.stdout, "%s\n", vp)
		return err
	}
	if err := os.WriteFile(*out, vp, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s: %d credentials from %s\n", *out, len(p.Items), p.Name)
	return nil
}
