package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sample"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

// TestMain lets the test binary be the wallet command, so a test can run it
// as a process of its own — here, inside a network namespace.
func TestMain(m *testing.M) {
	if os.Getenv("SATCHEL_WALLET_MAIN") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(m.Run())
}

// offline runs a command with no network at all: in a new network
// namespace, where even 127.0.0.1 is down.
func offline(t *testing.T, env []string, name string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command("unshare", append([]string{"--net", "--", name}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return code, out.String()
}

// TestOffline is the reliability suite's offline test: with no network at
// all, the wallet opens, lists its records, verifies one again from its
// cache, builds a portfolio and presents it to a file, and the employer's
// verify command accepts the presentation — also with no network. A
// refresh, which needs the network, says it is offline and changes
// nothing.
func TestOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the verify command")
	}
	if err := exec.Command("unshare", "--net", "true").Run(); err != nil {
		t.Skipf("cannot make a network namespace here (unshare --net: %v); the offline test needs one", err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	const pass = "offline test passphrase"
	w, err := sample.Build(ctx, dir, sample.Options{Passphrase: []byte(pass), KDF: wallet.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	// The employer's copies of the issuers' DID documents and status lists:
	// what the wallet cached when it imported the records.
	st, err := sqlitestore.Open(ctx, w.Path, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var preload []string
	for i, kind := range []wallet.CacheKind{wallet.CacheDIDDocument, wallet.CacheStatusList} {
		docs, err := st.CachedAll(ctx, kind)
		if err != nil {
			t.Fatal(err)
		}
		for j, d := range docs {
			f := filepath.Join(dir, fmt.Sprintf("cached-%d-%d.json", i, j))
			if err := os.WriteFile(f, d.Data, 0o600); err != nil {
				t.Fatal(err)
			}
			if kind == wallet.CacheDIDDocument {
				preload = append(preload, "--did-document", f)
			} else {
				preload = append(preload, "--status-list", d.Key+"="+f)
			}
		}
	}
	st.Close()
	verify := filepath.Join(dir, "verify")
	build := []string{"build", "-o", verify}
	if raceEnabled {
		build = append(build, "-race") // reuses what the test build compiled
	}
	if out, err := exec.Command("go", append(build, "github.com/satchel-wallet/satchel/verifier/cmd/verify")...).CombinedOutput(); err != nil {
		t.Fatalf("build verify: %v\n%s", err, out)
	}

	env := []string{"SATCHEL_WALLET_MAIN=1", "SATCHEL_PASSPHRASE=" + pass}
	walletCmd := func(args ...string) (int, string) {
		return offline(t, env, os.Args[0], append([]string{"--db", w.Path}, args...)...)
	}
	medic := fmt.Sprint(w.Credentials[sample.Medic])
	vp := filepath.Join(dir, "vp.json")
	for _, s := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"ok/list", []string{"list"}, 0, "Combat Medic Specialist"},
		{"ok/verify again from the cache", []string{"verify", medic}, 0, "✓ status"},
		{"ok/portfolio", []string{"portfolio", "create", "Offline application"}, 0, "created portfolio"},
		{"ok/add", []string{"portfolio", "add", "Offline application", medic}, 0, ""},
		{"ok/present to a file", []string{"present", "Offline application", "--challenge", "c-123", "--domain", "employer.example", "--out", vp}, 0, ""},
		{"fail/refresh needs the network", []string{"refresh"}, 1, "network is unreachable"},
	} {
		t.Run(s.name, func(t *testing.T) {
			code, out := walletCmd(s.args...)
			if code != s.code || !strings.Contains(out, s.want) {
				t.Fatalf("exit %d (want %d), output:\n%s", code, s.code, out)
			}
		})
	}
	code, out := offline(t, nil, verify, append(preload, "--challenge", "c-123", "--domain", "employer.example", vp)...)
	if code != 0 || !strings.Contains(out, "✓ VERIFIED: presentation") {
		t.Fatalf("the employer's verify, offline: exit %d\n%s", code, out)
	}
	// The refresh that failed left the records as they were.
	if code, out := walletCmd("verify", medic); code != 0 {
		t.Fatalf("after the failed refresh: exit %d\n%s", code, out)
	}
}
