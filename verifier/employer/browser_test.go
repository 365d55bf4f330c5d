package employer_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium is where Debian's chromium package puts the browser (make deps
// installs it).
const chromium = "/usr/bin/chromium"

// TestBrowser drives the page in headless Chromium as a screener would:
// pick a job, upload the applicant's file through the file input, submit,
// read the verdict and a skill line; then ask the applicant's wallet, and
// see the page's script open the result once the wallet has answered.
//
// With SATCHEL_SCREENSHOTS=DIR it saves the pages, 1280×800, as
// DIR/employer-pick-job.png, employer-result.png and employer-qr.png (the
// README's are made with SATCHEL_SCREENSHOTS=$PWD/docs/screens).
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("%s is not installed (apt-get install chromium; make deps does it): skipping the browser test", chromium)
	}
	w := sample(t)
	s := start(t, nil)
	dir := t.TempDir()
	vpFile := filepath.Join(dir, "application.json")
	if err := os.WriteFile(vpFile, w.present(t, "ldp_vp", "", "", w.creds...), 0o644); err != nil {
		t.Fatal(err)
	}
	shots := os.Getenv("SATCHEL_SCREENSHOTS")

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1280, 800),
	)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(actx)
	defer cancelTab()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	shot := func(name string) {
		t.Helper()
		if shots == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Pick a job, upload the file, check it.
	do("open the page", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#job")))
	do("pick the job and the file",
		chromedp.SetValue(chromedp.CSS("#job"), emtJob),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{vpFile}))
	shot("employer-pick-job.png")
	do("check", chromedp.Click(chromedp.CSS("button.primary")), chromedp.WaitVisible(chromedp.CSS("#verdict")))
	if got := text("#verdict h1"); got != "Verified" {
		t.Errorf("verdict %q", got)
	}
	if got := text("#verdict .summary"); !strings.Contains(got, "The application is genuine") {
		t.Errorf("summary %q", got)
	}
	reqs := text("#requirements")
	for _, want := range []string{"Meets 4 of 5 requirements", "Combat Medic Specialist counts as EMS 101 Emergency Medical Technician (Sierra Vista Community College) — equivalency military-cpl v2025.1, row M01"} {
		if !strings.Contains(reqs, want) {
			t.Errorf("requirements lack %q:\n%s", want, reqs)
		}
	}
	shot("employer-result.png")

	// Ask the wallet: the QR page, then the wallet answers, and the page's
	// script opens the result.
	do("ask the wallet", chromedp.Navigate(s.URL+"/?job="+emtJob), chromedp.WaitVisible(chromedp.CSS("button.secondary")),
		chromedp.Click(chromedp.CSS("button.secondary")), chromedp.WaitVisible(chromedp.CSS(".qr img")))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector(".qr img").naturalWidth > 0`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the QR code does not load: %v", err)
	}
	shot("employer-qr.png")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`/oid4vp/requests/([A-Za-z0-9_-]+)/page$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("the wallet page is at %s", loc)
	}
	obj := s.get(t, "/oid4vp/requests/"+m[1])
	q := walletRequest{id: m[1], obj: decode[map[string]any](t, obj.body)}
	vp := w.present(t, "ldp_vp", q.str("nonce"), q.str("client_id"), w.creds...)
	if res := s.answer(t, q.str("state"), vp, emtJob); res.code != http.StatusOK {
		t.Fatalf("the wallet's answer: %d %s", res.code, res.body)
	}
	do("wait for the page to open the result", chromedp.WaitVisible(chromedp.CSS("#verdict")))
	if got := text("#verdict h1"); got != "Verified" {
		t.Errorf("verdict after the wallet answered %q", got)
	}
	if got := text("#verdict .meta"); !strings.Contains(got, "applicant's wallet (OpenID4VP)") {
		t.Errorf("source %q", got)
	}
}
