// Command samplewallet builds the demonstration wallet of package
// wallet/sample in a directory, for the app's screenshots and for trying the
// app without real records:
//
//	SATCHEL_PASSPHRASE=... samplewallet --dir DIR [--now RFC3339]
//
// The passphrase comes from SATCHEL_PASSPHRASE or --passphrase-file, never a
// flag value. Exit status 0 built, 1 failed, 2 bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/wallet/sample"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("samplewallet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "build the wallet in `DIR` (created if needed; must not hold a wallet)")
	passFile := fs.String("passphrase-file", "", "read the passphrase from `FILE` (else SATCHEL_PASSPHRASE)")
	at := fs.String("now", "", "the wallet's present, RFC 3339 (default: now)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *dir == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: samplewallet --dir DIR [--now RFC3339] [--passphrase-file FILE]")
		return 2
	}
	pass := getenv("SATCHEL_PASSPHRASE")
	if *passFile != "" {
		b, err := os.ReadFile(*passFile)
		if err != nil {
			fmt.Fprintln(stderr, "samplewallet:", err)
			return 2
		}
		pass = strings.TrimRight(string(b), "\r\n")
	}
	if pass == "" {
		fmt.Fprintln(stderr, "samplewallet: give the passphrase with --passphrase-file or SATCHEL_PASSPHRASE")
		return 2
	}
	opt := sample.Options{Passphrase: []byte(pass)}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			fmt.Fprintf(stderr, "samplewallet: --now: %v\n", err)
			return 2
		}
		opt.Now = t
	}
	w, err := sample.Build(context.Background(), *dir, opt)
	if err != nil {
		fmt.Fprintln(stderr, "samplewallet:", err)
		return 1
	}
	fmt.Fprintf(stdout, "built %s: %d records, portfolio %d, holder %s\n", w.Path, len(w.Credentials), w.Portfolio, w.HolderDID)
	return 0
}
