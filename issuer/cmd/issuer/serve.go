package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/satchel-wallet/satchel/issuer"
	"github.com/satchel-wallet/satchel/issuer/httpapi"
	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/issuer/store/postgres"
	"github.com/satchel-wallet/satchel/issuer/store/sqlite"
	"github.com/satchel-wallet/satchel/transcript/samples"
)

// runServe runs the issuer service until SIGINT or SIGTERM, then stops
// taking connections and lets requests in flight finish (up to 30 s).
func runServe(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := fs.String("db", "sqlite:issuer.db", "the database: sqlite:PATH, or a postgres:// URL")
	addr := fs.String("addr", "127.0.0.1:8080", "the address to listen on (port 0 picks a free one)")
	baseURL := fs.String("base-url", "", "the URL the service is reached at; it names every DID (default http://localhost:PORT)")
	adminFile := fs.String("admin-token-file", "", "`FILE` holding the administrator's token (without it, no institution can be created)")
	passFile := fs.String("passphrase-file", "", "`FILE` holding the passphrase that seals institution keys (else SATCHEL_PASSPHRASE)")
	logJSON := fs.Bool("log-json", false, "log as JSON lines (default: text)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: serve takes flags only", errUsage)
	}
	pass, err := passphrase(*passFile)
	if err != nil {
		return err
	}
	var admin string
	if *adminFile != "" {
		b, err := readFileLimited(*adminFile, 4096)
		if err != nil {
			return fmt.Errorf("%w: --admin-token-file: %v", errUsage, err)
		}
		if admin = strings.TrimSpace(string(b)); len(admin) < 16 {
			return fmt.Errorf("%w: --admin-token-file: the token must be at least 16 characters", errUsage)
		}
	}
	var h slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logJSON {
		h = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(h)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	db, err := openStore(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer db.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	base := *baseURL
	if base == "" {
		port := ln.Addr().(*net.TCPAddr).Port
		base = fmt.Sprintf("http://localhost:%d", port)
	}
	set, err := samples.Load()
	if err != nil {
		return err
	}
	svc, err := issuer.New(ctx, issuer.Config{Store: db, BaseURL: base, Passphrase: pass, Log: log, Skills: set.Skills})
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           httpapi.New(svc, httpapi.Options{AdminToken: admin, Log: log}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(h, slog.LevelWarn),
	}
	log.Info("issuer service listening", "addr", ln.Addr().String(), "base", base, "did", svc.DID(), "db", dbKind(*dbFlag))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

func openStore(ctx context.Context, spec string) (store.Store, error) {
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if path == "" {
			return nil, fmt.Errorf("%w: --db sqlite:PATH needs a path", errUsage)
		}
		return sqlite.Open(ctx, path)
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		return postgres.Open(ctx, spec)
	}
	return nil, fmt.Errorf("%w: --db %q: want sqlite:PATH or postgres://...", errUsage, dbKind(spec))
}

// dbKind names a database without its credentials.
func dbKind(spec string) string {
	if i := strings.Index(spec, "://"); i > 0 {
		return spec[:i] + "://…"
	}
	return spec
}

// passphrase reads the passphrase from a file, else SATCHEL_PASSPHRASE.
func passphrase(file string) ([]byte, error) {
	if file != "" {
		b, err := readFileLimited(file, 4096)
		if err != nil {
			return nil, fmt.Errorf("%w: --passphrase-file: %v", errUsage, err)
		}
		return []byte(strings.TrimRight(string(b), "\r\n")), nil
	}
	if p := os.Getenv("SATCHEL_PASSPHRASE"); p != "" {
		return []byte(p), nil
	}
	return nil, fmt.Errorf("%w: give the passphrase that seals institution keys with --passphrase-file or SATCHEL_PASSPHRASE", errUsage)
}
