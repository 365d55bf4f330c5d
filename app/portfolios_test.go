package app

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"strings"
	"testing"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sample"
)

func TestPortfolios(t *testing.T) {
	ctx := context.Background()
	s, info := openSample(t)
	if _, err := CreatePortfolio(ctx, s, "   "); !errors.Is(err, ErrNameEmpty) {
		t.Errorf("blank name: %v", err)
	}
	id, err := CreatePortfolio(ctx, s, "Solar installer, Valley Oak Energy")
	if err != nil {
		t.Fatal(err)
	}
	list, err := LoadPortfolios(ctx, s)
	if err != nil || len(list.Portfolios) != 2 {
		t.Fatalf("%+v, %v", list, err)
	}
	a, b := info.Credentials[sample.Apprenticeship], info.Credentials[sample.Medic]
	for _, rec := range []int64{a, b} {
		if err := AddToPortfolio(ctx, s, id, rec, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := AddToPortfolio(ctx, s, id, a, ""); !errors.Is(err, wallet.ErrDuplicate) {
		t.Errorf("adding twice: %v", err)
	}
	if err := MoveItem(ctx, s, id, b, -1); err != nil {
		t.Fatal(err)
	}
	if err := MoveItem(ctx, s, id, b, -1); err != nil { // at the top already: stays
		t.Fatal(err)
	}
	if err := SetNote(ctx, s, id, a, "30 hours of OSHA construction safety"); err != nil {
		t.Fatal(err)
	}
	vm, err := LoadPortfolio(ctx, s, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(vm.Items) != 2 || vm.Items[0].ID != b || vm.Items[1].ID != a || vm.Items[1].Note == "" {
		t.Fatalf("items %+v", vm.Items)
	}
	if len(vm.Available) != len(info.Credentials)-2 {
		t.Errorf("%d records available to add, want %d", len(vm.Available), len(info.Credentials)-2)
	}
	if err := RemoveFromPortfolio(ctx, s, id, b); err != nil {
		t.Fatal(err)
	}
	if vm, _ = LoadPortfolio(ctx, s, id); len(vm.Items) != 1 {
		t.Errorf("after remove: %+v", vm.Items)
	}
	if err := DeletePortfolio(ctx, s, id); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPortfolio(ctx, s, id); !errors.Is(err, wallet.ErrNotFound) {
		t.Errorf("deleted portfolio: %v", err)
	}
}

// The presentation a portfolio makes verifies as the employer's verifier
// sees it: signed by the holder, bound to the challenge and domain.
func TestPresent(t *testing.T) {
	ctx := context.Background()
	s, info := openSample(t)
	pr, err := Present(ctx, s, info.Portfolio, "c-123", "jobs.sierravista-ambulance.example", wallet.FormatLDP)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(pr.Name, "-presentation.json") {
		t.Errorf("file name %q", pr.Name)
	}
	w, err := s.Wallet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	vo := w.Verifier
	vo.Now, vo.Challenge, vo.Domain = now, "c-123", "jobs.sierravista-ambulance.example"
	rep, err := verifier.Verify(ctx, pr.Data, vo)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Verified || rep.Holder != s.Holder() || len(rep.Credentials) != 3 {
		t.Errorf("presentation: verified %v, holder %s, %d credentials; %v", rep.Verified, rep.Holder, len(rep.Credentials), rep.Checks)
	}
	if _, err := QRCode(pr.Data); !errors.Is(err, ErrTooLargeForQR) {
		t.Errorf("QR code of %d bytes: %v", len(pr.Data), err)
	}
	s.Lock()
	if _, err := Present(ctx, s, info.Portfolio, "", "", wallet.FormatLDP); !errors.Is(err, ErrLocked) {
		t.Errorf("presenting while locked: %v", err)
	}
}

func TestQRCode(t *testing.T) {
	code, err := QRCode([]byte(`{"type":"VerifiablePresentation","small":true}`))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(code))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 100 || b.Dx() != b.Dy() {
		t.Errorf("QR image %v", b)
	}
	if _, err := QRCode(bytes.Repeat([]byte("x"), MaxQRBytes+1)); !errors.Is(err, ErrTooLargeForQR) {
		t.Errorf("oversized: %v", err)
	}
}
