package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"strings"

	"fyne.io/fyne/v2/lang"
	qrcode "github.com/yeqown/go-qrcode/v2"
	"github.com/yeqown/go-qrcode/writer/standard"

	"github.com/satchel-wallet/satchel/wallet"
)

// PortfolioListVM is the "Portfolios" screen's model: the learner's
// portfolios, each for one application.
type PortfolioListVM struct {
	Portfolios []PortfolioSummary
}

// PortfolioSummary is one portfolio in the list.
type PortfolioSummary struct {
	ID      int64
	Name    string
	Records string // "3 records"
	Created string
}

// PortfolioVM is one portfolio being curated: its records in order with
// notes, and the records that could be added.
type PortfolioVM struct {
	ID        int64
	Name      string
	Items     []PortfolioItemVM
	Available []Card
}

// PortfolioItemVM is a record in a portfolio.
type PortfolioItemVM struct {
	Card
	Note string
}

// LoadPortfolios lists the portfolios.
func LoadPortfolios(ctx context.Context, s *Session) (PortfolioListVM, error) {
	st, err := s.unlockedStore()
	if err != nil {
		return PortfolioListVM{}, err
	}
	ps, err := st.Portfolios(ctx)
	if err != nil {
		return PortfolioListVM{}, err
	}
	var vm PortfolioListVM
	for _, p := range ps {
		n := lang.L("{{.N}} records", map[string]any{"N": len(p.Items)})
		if len(p.Items) == 1 {
			n = lang.L("1 record")
		}
		vm.Portfolios = append(vm.Portfolios, PortfolioSummary{ID: p.ID, Name: p.Name, Records: n,
			Created: lang.L("Created {{.Date}}", map[string]any{"Date": formatDate(p.Created)})})
	}
	return vm, nil
}

// ErrNameEmpty: a portfolio needs a name.
var ErrNameEmpty = errors.New("a portfolio needs a name")

// CreatePortfolio makes an empty portfolio for an application.
func CreatePortfolio(ctx context.Context, s *Session, name string) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, ErrNameEmpty
	}
	st, err := s.unlockedStore()
	if err != nil {
		return 0, err
	}
	p, err := st.CreatePortfolio(ctx, name, s.now())
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}

// LoadPortfolio reads one portfolio and the records it does not hold yet.
func LoadPortfolio(ctx context.Context, s *Session, id int64) (PortfolioVM, error) {
	st, err := s.unlockedStore()
	if err != nil {
		return PortfolioVM{}, err
	}
	trust, err := s.Trust(ctx)
	if err != nil {
		return PortfolioVM{}, err
	}
	p, err := st.Portfolio(ctx, id)
	if err != nil {
		return PortfolioVM{}, err
	}
	vm := PortfolioVM{ID: p.ID, Name: p.Name}
	in := map[int64]bool{}
	now := s.now()
	for _, it := range p.Items {
		card, err := cardOf(ctx, st, it.Entry, trust, now)
		if err != nil {
			return PortfolioVM{}, err
		}
		vm.Items = append(vm.Items, PortfolioItemVM{Card: card, Note: it.Note})
		in[it.ID] = true
	}
	all, _, err := allEntries(ctx, st, wallet.Query{Limit: maxListed})
	if err != nil {
		return PortfolioVM{}, err
	}
	for _, e := range all {
		if in[e.ID] {
			continue
		}
		card, err := cardOf(ctx, st, e, trust, now)
		if err != nil {
			return PortfolioVM{}, err
		}
		vm.Available = append(vm.Available, card)
	}
	return vm, nil
}

// AddToPortfolio puts a record at the end of a portfolio.
func AddToPortfolio(ctx context.Context, s *Session, portfolio, record int64, note string) error {
	st, err := s.unlockedStore()
	if err != nil {
		return err
	}
	return st.AddToPortfolio(ctx, portfolio, record, note)
}

// RemoveFromPortfolio takes a record out of a portfolio (the record stays
// in the wallet).
func RemoveFromPortfolio(ctx context.Context, s *Session, portfolio, record int64) error {
	st, err := s.unlockedStore()
	if err != nil {
		return err
	}
	return st.RemoveFromPortfolio(ctx, portfolio, record)
}

// SetNote replaces the note on a record in a portfolio.
func SetNote(ctx context.Context, s *Session, portfolio, record int64, note string) error {
	st, err := s.unlockedStore()
	if err != nil {
		return err
	}
	return st.SetPortfolioNote(ctx, portfolio, record, note)
}

// MoveItem moves a record up (delta -1) or down (+1) in a portfolio; at
// either end it stays.
func MoveItem(ctx context.Context, s *Session, portfolio, record int64, delta int) error {
	st, err := s.unlockedStore()
	if err != nil {
		return err
	}
	return st.Tx(ctx, func(tx wallet.Ops) error {
		p, err := tx.Portfolio(ctx, portfolio)
		if err != nil {
			return err
		}
		ids := make([]int64, len(p.Items))
		at := -1
		for i, it := range p.Items {
			ids[i] = it.ID
			if it.ID == record {
				at = i
			}
		}
		if at < 0 {
			return fmt.Errorf("record %d in portfolio %d: %w", record, portfolio, wallet.ErrNotFound)
		}
		to := at + delta
		if to < 0 || to >= len(ids) {
			return nil
		}
		ids[at], ids[to] = ids[to], ids[at]
		return tx.ReorderPortfolio(ctx, portfolio, ids)
	})
}

// DeletePortfolio removes a portfolio; its records stay in the wallet.
func DeletePortfolio(ctx context.Context, s *Session, id int64) error {
	st, err := s.unlockedStore()
	if err != nil {
		return err
	}
	return st.DeletePortfolio(ctx, id)
}

// Presentation is a portfolio signed for one employer's request, as a file.
type Presentation struct {
	Name string
	Data []byte
}

// Present signs the portfolio as a presentation with the holder's key,
// bound to the employer's challenge and domain when they gave them.
func Present(ctx context.Context, s *Session, portfolio int64, challenge, domain, format string) (Presentation, error) {
	w, err := s.Wallet(ctx)
	if err != nil {
		return Presentation{}, err
	}
	signer, err := s.Signer()
	if err != nil {
		return Presentation{}, err
	}
	p, err := w.Store.Portfolio(ctx, portfolio)
	if err != nil {
		return Presentation{}, err
	}
	vp, err := w.Present(ctx, portfolio, signer, wallet.PresentOptions{Format: format,
		Challenge: strings.TrimSpace(challenge), Domain: strings.TrimSpace(domain)})
	if err != nil {
		return Presentation{}, err
	}
	ext := ".json"
	if format == wallet.FormatJWT {
		ext = ".jwt"
	}
	return Presentation{Name: fileName(p.Name) + "-presentation" + ext, Data: vp}, nil
}

// MaxQRBytes is the most a QR code carries here: version 40 at the lowest
// error correction holds 2953 bytes.
const MaxQRBytes = 2953

// ErrTooLargeForQR: the presentation does not fit in a QR code; the learner
// shares the file instead.
var ErrTooLargeForQR = errors.New("too large for a QR code")

// QRCode draws a payload as a QR code image (PNG bytes).
func QRCode(payload []byte) ([]byte, error) {
	if len(payload) > MaxQRBytes {
		return nil, fmt.Errorf("%w: %d bytes, a QR code holds %d", ErrTooLargeForQR, len(payload), MaxQRBytes)
	}
	qr, err := qrcode.NewWith(payload, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionLow))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTooLargeForQR, err)
	}
	var buf bytes.Buffer
	w := standard.NewWithWriter(nopCloser{&buf}, standard.WithBuiltinImageEncoder(standard.PNG_FORMAT),
		standard.WithFgColorRGBHex("#000000"), standard.WithQRWidth(6), standard.WithBorderWidth(24))
	if err := qr.Save(w); err != nil {
		return nil, fmt.Errorf("draw QR code: %w", err)
	}
	return buf.Bytes(), nil
}

// qrImage decodes the PNG QRCode made, for the screen.
func qrImage(pngData []byte) (image.Image, error) {
	return png.Decode(bytes.NewReader(pngData))
}

type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }
