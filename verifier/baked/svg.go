package baked

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"unicode/utf8"
)

const (
	svgNamespace = "http://www.w3.org/2000/svg"
	// obNamespace is the Open Badges 3.0 namespace of the credential
	// element; obPrefix is the prefix we write it with.
	obNamespace = "https://purl.imsglobal.org/ob/v3p0"
	obPrefix    = "openbadges"
	obElement   = "credential"
	// Open Badges 2.0 baked an <openbadges:assertion>, which is no VC.
	ob2Namespace = "http://openbadges.org"
)

var utf8BOM = []byte("\xef\xbb\xbf")

// sniffSVG skips what may precede an XML root element and reports whether
// the root's name is svg (optionally prefixed).
func sniffSVG(b []byte) bool {
	b = bytes.TrimPrefix(b, utf8BOM)
	for {
		b = bytes.TrimLeft(b, xmlSpace)
		switch {
		case bytes.HasPrefix(b, []byte("<?")): // XML declaration, PI
			i := bytes.Index(b, []byte("?>"))
			if i < 0 {
				return false
			}
			b = b[i+2:]
		case bytes.HasPrefix(b, []byte("<!--")):
			i := bytes.Index(b[4:], []byte("-->"))
			if i < 0 {
				return false
			}
			b = b[4+i+3:]
		case bytes.HasPrefix(b, []byte("<!DOCTYPE")):
			i := doctypeEnd(b)
			if i < 0 {
				return false
			}
			b = b[i:]
		case bytes.HasPrefix(b, []byte("<")):
			name := b[1:]
			if i := bytes.IndexAny(name, xmlSpace+"/>"); i >= 0 {
				name = name[:i]
			}
			if j := bytes.IndexByte(name, ':'); j >= 0 {
				name = name[j+1:]
			}
			return string(name) == "svg"
		default:
			return false
		}
	}
}

// doctypeEnd returns the offset just past a <!DOCTYPE ...> declaration,
// internal subset and quoted literals included, or -1.
func doctypeEnd(b []byte) int {
	var quote byte
	depth := 0
	for i := len("<!DOCTYPE"); i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '>' && depth <= 0:
			return i + 1
		}
	}
	return -1
}

// svgScan is what scanSVG learns about an SVG document. Offsets are into
// the document without its byte order mark.
type svgScan struct {
	rootStart, rootEnd int    // the root's start tag
	rootName           string // as written, prefix included
	rootOB             string // the root's xmlns:openbadges, if any
	rootHasOB          bool

	count              int    // credential elements (0 or 1)
	credStart, credEnd int    // the whole credential element
	text               []byte // its character data, untrimmed
	verify             string // its verify attribute
	hasVerify          bool

	legacy bool // an Open Badges 2.0 assertion element was seen
}

// scanSVG reads a whole SVG document with a strict, bounded decoder: well
// formed, one svg root, no entity declarations, nesting within MaxSVGDepth,
// at most one credential element and nothing but text inside it. Errors wrap
// ErrMalformed or ErrNotImage.
func scanSVG(data []byte) (*svgScan, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true // and no Entity map, CharsetReader or AutoClose
	s := &svgScan{}
	depth, credDepth := 0, 0
	rootDone := false
	for {
		start := int(d.InputOffset())
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s", ErrMalformed, clip(err.Error()))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if rootDone {
				return nil, fmt.Errorf("%w: element <%s> after the root element", ErrMalformed, clip(t.Name.Local))
			}
			depth++
			if depth > MaxSVGDepth {
				return nil, fmt.Errorf("%w: elements nested deeper than %d", ErrMalformed, MaxSVGDepth)
			}
			if err := uniqueAttrs(t); err != nil {
				return nil, err
			}
			if credDepth > 0 {
				return nil, fmt.Errorf("%w: element <%s> inside the credential element", ErrMalformed, clip(t.Name.Local))
			}
			if depth == 1 {
				if err := s.root(t, data, start, int(d.InputOffset())); err != nil {
					return nil, err
				}
			}
			switch {
			case t.Name.Local == obElement && t.Name.Space == obNamespace:
				if s.count++; s.count > 1 {
					return nil, fmt.Errorf("%w: more than one credential element", ErrMalformed)
				}
				credDepth, s.credStart = depth, start
				for _, a := range t.Attr {
					if a.Name.Space == "" && a.Name.Local == "verify" {
						s.verify, s.hasVerify = a.Value, true
					}
				}
			case t.Name.Local == obElement && t.Name.Space == obPrefix:
				// encoding/xml leaves an undeclared prefix in Space.
				return nil, fmt.Errorf("%w: prefix %s of the credential element is not declared (xmlns:%s=%q)", ErrMalformed, obPrefix, obPrefix, obNamespace)
			case t.Name.Local == "assertion" && t.Name.Space == ob2Namespace:
				s.legacy = true
			}
		case xml.EndElement:
			if depth == credDepth {
				credDepth, s.credEnd = 0, int(d.InputOffset())
			}
			if depth--; depth == 0 {
				rootDone = true
			}
		case xml.CharData:
			switch {
			case credDepth > 0:
				s.text = append(s.text, t...)
			case depth == 0 && len(bytes.Trim(t, xmlSpace)) > 0:
				return nil, fmt.Errorf("%w: text outside the root element", ErrMalformed)
			}
		case xml.Directive:
			if depth > 0 || rootDone || !bytes.HasPrefix(t, []byte("DOCTYPE")) {
				return nil, fmt.Errorf("%w: markup declaration outside the prolog", ErrMalformed)
			}
			if bytes.Contains(t, []byte("<!ENTITY")) {
				return nil, fmt.Errorf("%w: DOCTYPE declares entities, which are not allowed", ErrMalformed)
			}
		}
	}
	if !rootDone {
		return nil, fmt.Errorf("%w: no root element", ErrMalformed)
	}
	return s, nil
}

// root records the root start tag t, found at data[start:end].
func (s *svgScan) root(t xml.StartElement, data []byte, start, end int) error {
	if t.Name.Local != "svg" || (t.Name.Space != svgNamespace && t.Name.Space != "") {
		return fmt.Errorf("%w: root element is {%s}%s, not an SVG <svg>", ErrNotImage, clip(t.Name.Space), clip(t.Name.Local))
	}
	s.rootStart, s.rootEnd = start, end
	name := data[start+1 : end]
	if i := bytes.IndexAny(name, xmlSpace+"/>"); i >= 0 {
		name = name[:i]
	}
	s.rootName = string(name)
	for _, a := range t.Attr {
		if a.Name.Space == "xmlns" && a.Name.Local == obPrefix {
			s.rootOB, s.rootHasOB = a.Value, true
		}
	}
	return nil
}

// uniqueAttrs rejects repeated attributes, which encoding/xml lets through:
// with two verify attributes, two readers could see two credentials.
func uniqueAttrs(t xml.StartElement) error {
	attrs := t.Attr
	var seen map[xml.Name]bool
	if len(attrs) > 16 { // elements have few; a hostile one gets a map
		seen = make(map[xml.Name]bool, len(attrs))
	}
	for i, a := range attrs {
		dup := seen[a.Name]
		if seen != nil {
			seen[a.Name] = true
		} else {
			for _, b := range attrs[:i] {
				dup = dup || b.Name == a.Name
			}
		}
		if !dup {
			continue
		}
		name := a.Name.Local
		switch a.Name.Space {
		case "":
		case "xmlns":
			name = "xmlns:" + name
		default:
			name = "{" + a.Name.Space + "}" + name
		}
		return fmt.Errorf("%w: element <%s> repeats attribute %s", ErrMalformed, clip(t.Name.Local), clip(name))
	}
	return nil
}

func extractSVG(data []byte) ([]byte, error) {
	s, err := scanSVG(bytes.TrimPrefix(data, utf8BOM))
	if err != nil {
		return nil, fmt.Errorf("extract svg: %w", err)
	}
	c, err := s.credential()
	if err != nil {
		return nil, fmt.Errorf("extract svg: %w", err)
	}
	return c, nil
}

// credential checks and returns the scanned credential.
func (s *svgScan) credential() ([]byte, error) {
	if s.count == 0 {
		if s.legacy {
			return nil, fmt.Errorf("%w (it has an Open Badges 2.0 assertion, which is not a verifiable credential)", ErrNotBaked)
		}
		return nil, fmt.Errorf("%w: no <%s:%s> element", ErrNotBaked, obPrefix, obElement)
	}
	if !s.hasVerify {
		c, _, err := checkCredential(s.text, "credential")
		return c, err
	}
	if len(bytes.Trim(s.text, xmlSpace)) > 0 {
		return nil, fmt.Errorf("%w: credential element has both a verify attribute and text", ErrMalformed)
	}
	c, jws, err := checkCredential([]byte(s.verify), "verify attribute")
	if err != nil {
		return nil, err
	}
	if !jws {
		return nil, fmt.Errorf("%w: verify attribute: not a compact JWS", ErrMalformed)
	}
	return c, nil
}

// BakeSVG returns a copy of the SVG src with cred baked in as the first
// child of the root: <openbadges:credential verify="..."/> when cred is a
// compact JWS, else the JSON in a CDATA section. It declares
// xmlns:openbadges on the root when missing (on the element itself when
// the root binds the prefix to another namespace) and removes an existing
// credential element. cred is trimmed and must be a JSON object or a
// compact JWS; JSON line endings become LF, as an XML reader would make
// them anyway. src is checked as strictly as Extract checks it; outside
// the root's start tag and the credential element nothing in it changes.
func BakeSVG(src, cred []byte) ([]byte, error) {
	const op = "bake svg"
	if len(src) > MaxImageBytes {
		return nil, fmt.Errorf("%s: %w: image is %d bytes, limit %d", op, ErrTooLarge, len(src), MaxImageBytes)
	}
	if img, _ := Sniff(src); img != SVG {
		return nil, fmt.Errorf("%s: %w: no <svg> root element", op, ErrNotImage)
	}
	c, jws, err := checkCredential(cred, "credential")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if !jws {
		c = bytes.ReplaceAll(c, []byte("\r\n"), []byte("\n"))
		c = bytes.ReplaceAll(c, []byte("\r"), []byte("\n"))
		if err := xmlChars(c); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
	}
	body := bytes.TrimPrefix(src, utf8BOM)
	bom := src[:len(src)-len(body)]
	s, err := scanSVG(body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}

	declare := ` xmlns:` + obPrefix + `="` + obNamespace + `"`
	var elem bytes.Buffer
	elem.WriteString("<" + obPrefix + ":" + obElement)
	if s.rootHasOB && s.rootOB != obNamespace {
		elem.WriteString(declare)
	}
	if jws {
		elem.WriteString(` verify="`)
		elem.Write(c)
		elem.WriteString(`">`)
	} else {
		elem.WriteString("><![CDATA[")
		// "]]>" would end the section: end it after "]]" and start anew.
		elem.Write(bytes.ReplaceAll(c, []byte("]]>"), []byte("]]]]><![CDATA[>")))
		elem.WriteString("]]>")
	}
	elem.WriteString("</" + obPrefix + ":" + obElement + ">")

	// The namespace goes after the root's last attribute; the credential
	// right after its start tag, which a self-closing root must lose.
	selfClosing := bytes.HasSuffix(body[:s.rootEnd], []byte("/>"))
	tagClose := s.rootEnd - 1
	if selfClosing {
		tagClose--
	}
	attrEnd := s.rootStart + len(bytes.TrimRight(body[s.rootStart:tagClose], xmlSpace))
	var out bytes.Buffer
	out.Grow(len(src) + len(declare) + elem.Len() + len(s.rootName) + 3)
	out.Write(bom)
	out.Write(body[:attrEnd])
	if !s.rootHasOB {
		out.WriteString(declare)
	}
	out.Write(body[attrEnd:tagClose])
	out.WriteString(">")
	out.Write(elem.Bytes())
	switch {
	case selfClosing:
		out.WriteString("</" + s.rootName + ">")
		out.Write(body[s.rootEnd:])
	case s.count > 0:
		out.Write(body[s.rootEnd:s.credStart])
		out.Write(body[s.credEnd:])
	default:
		out.Write(body[s.rootEnd:])
	}
	if out.Len() > MaxImageBytes {
		return nil, fmt.Errorf("%s: %w: baked image would be %d bytes, limit %d", op, ErrTooLarge, out.Len(), MaxImageBytes)
	}
	if err := readsBack(out.Bytes(), c); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out.Bytes(), nil
}

// xmlChars rejects characters XML 1.0 does not allow even in CDATA (JSON
// allows U+FFFE and U+FFFF raw in strings).
func xmlChars(b []byte) error {
	for _, r := range string(b) {
		if r == 0x9 || r == 0xA || r == 0xD || 0x20 <= r && r <= 0xD7FF ||
			0xE000 <= r && r <= 0xFFFD || 0x10000 <= r && r <= 0x10FFFF {
			continue
		}
		return fmt.Errorf("%w: credential contains U+%04X, which XML cannot carry", ErrMalformed, r)
	}
	return nil
}

// clip shortens text taken from the input for an error message: an error
// says what is wrong, it does not echo a hostile file back.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
