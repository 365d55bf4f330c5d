package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, strings.NewReader(""), &o, &e)
	return code, o.String(), e.String()
}

func TestMapCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   string
		notInOut string
	}{
		{name: "ok/one learner as text", args: []string{"map", "--as-of", "2026-09-01", "--learner", "L-1001"},
			stdout:   []string{"Equivalency mapping as of 2026-09-01", "EMS 101 Emergency Medical Technician", "granted by equivalency table military-cpl v2025.1 row M01", "unit-cap"},
			notInOut: "OB 3.0 AchievementCredential"},
		{name: "ok/credentials printed on request", args: []string{"map", "--as-of", "2026-09-01", "--learner", "L-1001", "--credentials"},
			stdout: []string{"OB 3.0 AchievementCredential (unsigned):", `"AchievementCredential"`, "CLR 2.0 ClrCredential (unsigned):", `"exactMatchOf"`}},
		{name: "ok/help", args: []string{"--help"}, stdout: []string{"usage: issuer COMMAND"}},
		{name: "fail/no command", args: nil, code: 2, stderr: "usage: issuer COMMAND"},
		{name: "fail/unknown command", args: []string{"frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`},
		{name: "fail/bad date", args: []string{"map", "--as-of", "1 Sept"}, code: 2, stderr: `--as-of: date "1 Sept" is not YYYY-MM-DD`},
		{name: "fail/unknown learner", args: []string{"map", "--learner", "L-0"}, code: 2, stderr: `no sample learner "L-0"`},
		{name: "fail/stray argument", args: []string{"map", "extra"}, code: 2, stderr: "map takes no arguments"},
		{name: "fail/unknown flag", args: []string{"map", "--bogus"}, code: 2, stderr: "flag provided but not defined: -bogus"},
		{name: "fail/missing tables", args: []string{"map", "--tables", "/nonexistent/index.json"}, code: 2, stderr: "--tables"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errOut)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q", w)
				}
			}
			if tt.notInOut != "" && strings.Contains(out, tt.notInOut) {
				t.Errorf("stdout has %q", tt.notInOut)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.stderr)
			}
		})
	}
}

func TestMapJSON(t *testing.T) {
	code, out, errOut := runCLI("map", "--as-of", "2026-09-01", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		AsOf     string `json:"asOf"`
		Learners []struct {
			Records []struct {
				Mapping struct {
					Grants []struct {
						Explanation string `json:"explanation"`
					} `json:"grants"`
					Reason string `json:"reason"`
				} `json:"mapping"`
			} `json:"records"`
		} `json:"learners"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.AsOf != "2026-09-01" || len(rep.Learners) < 10 {
		t.Fatalf("asOf %q, %d learners", rep.AsOf, len(rep.Learners))
	}
	for _, l := range rep.Learners {
		for _, r := range l.Records {
			if len(r.Mapping.Grants) == 0 && r.Mapping.Reason == "" {
				t.Error("a record with no grant and no reason")
			}
		}
	}
}

// A bad table file is refused with the file, row and column named, and
// nothing is mapped.
func TestMapRefusesBadTables(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.json", `{"tables":[{"file":"t.csv","id":"t","version":"1","title":"T","effectiveFrom":"2025-01-01"}]}`)
	write("t.csv", "row_id,source_kind,source_id,college,course_code,course_title,units,course_url,authority,approved\n"+
		"r1,military,AR-0709-0058,Sierra Vista,EMS 101,EMT,five,https://x.example/ems,Faculty,2025-01-01\n")
	code, out, errOut := runCLI("map", "--tables", filepath.Join(dir, "index.json"))
	if code != 2 || out != "" {
		t.Fatalf("exit %d, stdout %q: want 2 and nothing printed", code, out)
	}
	if !strings.Contains(errOut, `t.csv: row 2, column units: "five" is not a number`) {
		t.Errorf("stderr %q does not name file, row and column", errOut)
	}
}
