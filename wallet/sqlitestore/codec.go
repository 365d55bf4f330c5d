package sqlitestore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/satchel-wallet/satchel/wallet"
)

// A credential's types, skills and credits are stored in a compact binary
// form rather than JSON: every list page decodes them for each entry, and
// JSON decoding was most of the cost of a page. The form, version 1:
//
//	byte    1 (the version)
//	uvarint number of items (at most wallet.MaxListItems)
//	items   each field in order: a string is a uvarint length and that many
//	        bytes; a number is 8 bytes, IEEE 754, little-endian
//
// A string item has one string; a skill has name, code, framework; a credit
// has course, title, college, units (a number), explanation. An empty list
// is stored as NULL. Nothing may follow the last item.
const listVersion = 1

var errList = errors.New("malformed stored list")

type listWriter []byte

func (w *listWriter) str(s string) {
	*w = binary.AppendUvarint(*w, uint64(len(s)))
	*w = append(*w, s...)
}

func (w *listWriter) num(f float64) {
	*w = binary.LittleEndian.AppendUint64(*w, math.Float64bits(f))
}

func newList(n int) listWriter {
	return binary.AppendUvarint([]byte{listVersion}, uint64(n))
}

func encodeStrings(v []string) []byte {
	if len(v) == 0 {
		return nil
	}
	w := newList(len(v))
	for _, s := range v {
		w.str(s)
	}
	return w
}

func encodeSkills(v []wallet.Skill) []byte {
	if len(v) == 0 {
		return nil
	}
	w := newList(len(v))
	for _, s := range v {
		w.str(s.Name)
		w.str(s.Code)
		w.str(s.Framework)
	}
	return w
}

func encodeCredits(v []wallet.Credit) []byte {
	if len(v) == 0 {
		return nil
	}
	w := newList(len(v))
	for _, c := range v {
		w.str(c.Course)
		w.str(c.Title)
		w.str(c.College)
		w.num(c.Units)
		w.str(c.Explanation)
	}
	return w
}

// listReader reads a stored list; the first malformed field sets err and
// every later read returns zero values.
type listReader struct {
	b   []byte
	err error
}

// open reads the header and returns the number of items.
func openList(b []byte) (*listReader, int) {
	r := &listReader{b: b}
	if len(b) == 0 {
		return r, 0
	}
	if b[0] != listVersion {
		r.err = fmt.Errorf("%w: version %d", errList, b[0])
		return r, 0
	}
	r.b = b[1:]
	n := r.uvarint()
	if n > wallet.MaxListItems {
		r.fail("%d items", n)
		return r, 0
	}
	return r, int(n)
}

func (r *listReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", errList, fmt.Sprintf(format, args...))
	}
	r.b = nil
}

func (r *listReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("bad length")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *listReader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail("string of %d bytes, %d left", n, len(r.b))
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *listReader) num() float64 {
	if len(r.b) < 8 {
		r.fail("short number")
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return f
}

// close reports the first error, or trailing bytes.
func (r *listReader) close() error {
	if r.err == nil && len(r.b) > 0 {
		r.err = fmt.Errorf("%w: %d bytes after the last item", errList, len(r.b))
	}
	return r.err
}

func decodeStrings(b []byte) ([]string, error) {
	r, n := openList(b)
	var out []string
	for range n {
		if r.err != nil {
			break
		}
		out = append(out, r.str())
	}
	return out, r.close()
}

func decodeSkills(b []byte) ([]wallet.Skill, error) {
	r, n := openList(b)
	var out []wallet.Skill
	for range n {
		if r.err != nil {
			break
		}
		out = append(out, wallet.Skill{Name: r.str(), Code: r.str(), Framework: r.str()})
	}
	return out, r.close()
}

func decodeCredits(b []byte) ([]wallet.Credit, error) {
	r, n := openList(b)
	var out []wallet.Credit
	for range n {
		if r.err != nil {
			break
		}
		out = append(out, wallet.Credit{Course: r.str(), Title: r.str(), College: r.str(), Units: r.num(), Explanation: r.str()})
	}
	return out, r.close()
}
