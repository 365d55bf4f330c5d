package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/satchel-wallet/satchel/verifier/employer"
	"github.com/satchel-wallet/satchel/verifier/requirements"
)

const serveUsage = `usage: verify serve [--addr 127.0.0.1:8090] [--trust FILE] [--jobs DIR] [flags]

Runs the employer page: pick a job, upload or paste what an applicant sent
(or ask their wallet over OpenID4VP), and read what it proves. POST
/api/verify answers with the report verify --json prints. Nothing an
applicant sends is fetched: DID documents, status lists and contexts come
from the files given; --refresh-lists fetches those status lists again.
Stops on SIGINT or SIGTERM.

`

// serveFlags are verify serve's flags.
type serveFlags struct {
	world    worldFlags
	addr     string
	jobs     string
	baseURL  string
	maxBytes int64
	// refresh is how often the preloaded status lists are fetched again
	// (0: never); localhostHTTP lets that use http to this machine.
	refresh       time.Duration
	localhostHTTP bool
}

// serve runs the employer page until ctx is done or a SIGINT or SIGTERM
// arrives, then shuts down gracefully: exit 0, or 2 when it cannot start.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var f serveFlags
	fs := flag.NewFlagSet("verify serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fs.PrintDefaults()
	}
	f.world.register(fs)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8090", "listen on this `ADDRESS`")
	fs.StringVar(&f.jobs, "jobs", "", "`DIR` of job requirements files (*.json); none: verify without requirements")
	fs.StringVar(&f.baseURL, "base-url", "", "`URL` browsers and wallets reach the page at, for links and the QR code (default http://ADDR)")
	fs.DurationVar(&f.refresh, "refresh-lists", 0, "fetch the --status-list URLs and the --did-document did:web documents again this often (e.g. 1h), keeping a new copy only when it checks out; 0: never")
	fs.BoolVar(&f.localhostHTTP, "insecure-localhost", false, "let --refresh-lists use http to this machine (development, make demo); otherwise https only")
	fs.Int64Var(&f.maxBytes, "max-bytes", employer.DefaultMaxBodyBytes, "largest request body in `BYTES` (an upload, pasted text, a wallet's response); more is refused with 413")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "verify serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg, w, err := serveConfig(f)
	if err != nil {
		fmt.Fprintf(stderr, "verify serve: %s\n", oneLine(err))
		return 2
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		fmt.Fprintf(stderr, "verify serve: %v\n", err)
		return 2
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	logger := log.New(stderr, "verify serve: ", log.LstdFlags)
	cfg.Logf = logger.Printf
	page, err := employer.New(cfg)
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "verify serve: %s\n", oneLine(err))
		return 2
	}
	srv := &http.Server{
		Handler:           page,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          logger,
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	jobs := "no jobs: verifying without requirements"
	if n := len(cfg.Jobs); n > 0 {
		jobs = fmt.Sprintf("%d jobs", n)
	}
	fmt.Fprintf(stdout, "verify serve: the employer page is at %s/ (listening on %s; %s)\n", strings.TrimRight(cfg.BaseURL, "/"), ln.Addr(), jobs)
	if f.refresh > 0 {
		r := &listRefresher{urls: cfg.StatusLists.URLs(), cache: cfg.StatusLists, dids: cfg.DIDs, localhostHTTP: f.localhostHTTP, client: refreshClient(),
			opt: w.options(), now: time.Now, logf: func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }}
		go func() {
			t := time.NewTicker(f.refresh)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					r.refresh(ctx)
				}
			}
		}()
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		fmt.Fprintf(stderr, "verify serve: %v\n", err)
		return 2
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		fmt.Fprintf(stderr, "verify serve: shutdown: %v\n", err)
		return 2
	}
	fmt.Fprintln(stdout, "verify serve: stopped")
	return 0
}

// serveConfig loads what the flags name: the same world verify uses, and
// the jobs. A bad file is an error naming it.
func serveConfig(f serveFlags) (employer.Config, *world, error) {
	w, err := loadWorld(f.world)
	if err != nil {
		return employer.Config{}, nil, err
	}
	if f.maxBytes <= 0 {
		return employer.Config{}, nil, fmt.Errorf("--max-bytes %d: want a positive number of bytes", f.maxBytes)
	}
	cfg := employer.Config{Trust: w.trust, DIDs: w.dids, StatusLists: w.statusLists, Contexts: w.loader,
		At: w.at, Skew: w.skew, BaseURL: f.baseURL, MaxBodyBytes: f.maxBytes}
	if f.jobs != "" {
		jobs, err := requirements.LoadDir(os.DirFS(f.jobs))
		if err != nil {
			return employer.Config{}, nil, fmt.Errorf("--jobs %s: %w", f.jobs, err)
		}
		cfg.Jobs = jobs
	}
	return cfg, w, nil
}

// oneLine keeps a joined error on the one line exit status 2 comes with.
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }
