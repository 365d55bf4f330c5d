package sqlitestore_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
	"github.com/satchel-wallet/satchel/wallet/storetest"
)

// The crash child imports crashBatch credentials in one Tx and says where
// it is on stdout, one marker a line.
const (
	crashEnv    = "SATCHEL_WALLET_CRASH_DB"
	crashBatch  = 1500
	crashSignal = 300 // "importing" is printed after this many credentials
	crashBase   = 3   // credentials stored before the import
)

// TestCrashChild is the process TestCrashDuringImport kills. It does
// nothing when run on its own.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("the child of TestCrashDuringImport")
	}
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	err = s.Tx(ctx, func(tx wallet.Ops) error {
		for i := range crashBatch {
			c := storetest.NewCredential(100 + i)
			if err := tx.AddCredential(ctx, &c); err != nil {
				return err
			}
			if i == crashSignal {
				fmt.Println("importing")
			}
		}
		fmt.Println("committing")
		return nil
	})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	fmt.Println("committed")
	// Wait to be killed: a committed import must survive SIGKILL without
	// Close.
	time.Sleep(time.Minute)
	os.Exit(4)
}

// TestCrashDuringImport kills (SIGKILL) a process in the middle of a large
// batch import, at the commit, and after it. Every time, the reopened
// wallet holds all or none of the batch and passes PRAGMA integrity_check.
func TestCrashDuringImport(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("in the child")
	}
	tests := []struct {
		name    string
		at      string        // the marker after which to kill
		delay   time.Duration // and how long after it
		outcome string        // "none", "all" or "either"
	}{
		{name: "mid-import", at: "importing", outcome: "none"},
		{name: "mid-import-later", at: "importing", delay: 30 * time.Millisecond, outcome: "none"},
		{name: "at-commit", at: "committing", outcome: "either"},
		{name: "just-after-commit-started", at: "committing", delay: time.Millisecond, outcome: "either"},
		{name: "after-commit", at: "committed", outcome: "all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			path := filepath.Join(t.TempDir(), "wallet.db")
			s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for i := range crashBase {
				c := storetest.NewCredential(i)
				if err := s.AddCredential(ctx, &c); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}

			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), crashEnv+"="+path)
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewScanner(out)
			var seen []string
			for lines.Scan() {
				line := strings.TrimSpace(lines.Text())
				seen = append(seen, line)
				if strings.HasPrefix(line, "error") {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("child: %s", line)
				}
				if line == tt.at {
					break
				}
			}
			time.Sleep(tt.delay)
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			if seen[len(seen)-1] != tt.at {
				t.Fatalf("child output ended before %q: %q", tt.at, seen)
			}

			s, err = sqlitestore.Open(ctx, path, sqlitestore.Options{})
			if err != nil {
				t.Fatalf("reopen after SIGKILL: %v", err)
			}
			defer s.Close()
			if err := s.IntegrityCheck(ctx); err != nil {
				t.Fatal(err)
			}
			n := countAll(t, s)
			got := "some"
			switch n {
			case crashBase:
				got = "none"
			case crashBase + crashBatch:
				got = "all"
			}
			t.Logf("killed %v after %q: %d credentials (%s of the import)", tt.delay, tt.at, n, got)
			if got == "some" || (tt.outcome != "either" && got != tt.outcome) {
				t.Fatalf("after SIGKILL %s: %d credentials, want %s of the %d imported on top of %d", tt.name, n, tt.outcome, crashBatch, crashBase)
			}
			// The wallet works on: the killed import can be run again.
			c := storetest.NewCredential(100)
			err = s.AddCredential(ctx, &c)
			if (got == "none") != (err == nil) {
				t.Errorf("add the first credential of the import again: %v", err)
			}
		})
	}
}

func countAll(t *testing.T, s wallet.Ops) int {
	t.Helper()
	n := 0
	q := wallet.Query{Limit: wallet.MaxLimit}
	for {
		p, err := s.Search(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		n += len(p.Entries)
		if p.Next == "" {
			return n
		}
		q.After = p.Next
	}
}
