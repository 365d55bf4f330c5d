package employer

import (
	"bytes"
	"fmt"

	"github.com/yeqown/go-qrcode/v2"
	"github.com/yeqown/go-qrcode/writer/standard"
)

// qrPNG draws text as a QR code (error correction M, a quiet zone of four
// modules), black on white, as a PNG.
func qrPNG(text string) ([]byte, error) {
	qr, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, fmt.Errorf("QR code: %w", err)
	}
	const module = 5
	var b bytes.Buffer
	w := standard.NewWithWriter(nopCloser{&b},
		standard.WithBuiltinImageEncoder(standard.PNG_FORMAT),
		standard.WithQRWidth(module), standard.WithBorderWidth(4*module),
		standard.WithBgColorRGBHex("#ffffff"), standard.WithFgColorRGBHex("#000000"))
	if err := qr.Save(w); err != nil {
		return nil, fmt.Errorf("QR code: %w", err)
	}
	return b.Bytes(), nil
}

type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }
