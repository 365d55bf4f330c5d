package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	envelopedVC = "EnvelopedVerifiableCredential"
	envelopedVP = "EnvelopedVerifiablePresentation"
)

// checker gathers the findings of one Check call.
type checker struct {
	findings    []Finding
	dropped     int
	credentials int
}

func (c *checker) add(path, rule, format string, args ...any) {
	if len(c.findings) >= MaxFindings {
		c.dropped++
		return
	}
	c.findings = append(c.findings, Finding{Path: path, Rule: rule, Detail: fmt.Sprintf(format, args...)})
}

func (c *checker) result() []Finding {
	if c.dropped > 0 {
		c.findings = append(c.findings, Finding{Rule: "max-findings",
			Detail: fmt.Sprintf("%d more findings were dropped after the first %d", c.dropped, MaxFindings)})
	}
	return c.findings
}

// visit counts one embedded credential and says whether to check it.
func (c *checker) visit(path string) bool {
	c.credentials++
	if c.credentials == MaxCredentials+1 {
		c.add(path, "max-credentials", "more than %d embedded credentials; this one and the rest were not checked", MaxCredentials)
	}
	return c.credentials <= MaxCredentials
}

// document checks doc as what its type says it is; a document whose type
// names neither a credential nor a presentation is taken for what its
// properties suggest, and the type finding says what is wrong.
func (c *checker) document(doc map[string]any, path string, depth int) Summary {
	t := doc["type"]
	switch {
	case hasType(t, "VerifiablePresentation"):
		return c.presentation(doc, path, depth)
	case hasType(t, "VerifiableCredential"):
		return c.credential(doc, path, depth)
	case hasType(t, envelopedVC):
		return c.enveloped(doc, path, Credential)
	case hasType(t, envelopedVP):
		return c.enveloped(doc, path, Presentation)
	}
	_, subject := doc["credentialSubject"]
	_, issuer := doc["issuer"]
	_, vcs := doc["verifiableCredential"]
	_, holder := doc["holder"]
	if (vcs || holder) && !subject && !issuer {
		return c.presentation(doc, path, depth)
	}
	return c.credential(doc, path, depth)
}

// credential checks a verifiable credential at JSON depth depth.
func (c *checker) credential(doc map[string]any, path string, depth int) Summary {
	sum := Summary{Kind: Credential}
	ctx := c.context(doc, path)
	sum.Version = ctx.version
	sum.Types = c.types(doc, path, "VerifiableCredential", ctx)
	sum.ID = c.id(doc, path)
	sum.Name = text(doc["name"])
	c.issuer(doc, path, ctx.version, &sum)
	c.subjects(doc, path, &sum)
	c.validity(doc, path, ctx.version, &sum)
	if ctx.version == V2 {
		c.langValue(doc, path, "name")
		c.langValue(doc, path, "description")
		c.relatedResources(doc, path)
	}
	c.families(doc, path, ctx.version)
	t := doc["type"]
	sum.IsCLR = hasType(t, "ClrCredential")
	sum.IsOB3 = hasType(t, "AchievementCredential", "OpenBadgeCredential")
	sum.IsEndorsement = hasType(t, "EndorsementCredential")
	switch {
	case sum.IsCLR:
		c.clr(doc, path, depth, ctx, &sum)
	case sum.IsOB3:
		c.achievementCredential(doc, path, ctx, &sum)
	case sum.IsEndorsement:
		c.endorsementCredential(doc, path, ctx)
	default:
		c.untypedOB(doc, path, ctx)
	}
	return sum
}

// presentation checks a verifiable presentation and the credentials in it.
func (c *checker) presentation(doc map[string]any, path string, depth int) Summary {
	sum := Summary{Kind: Presentation}
	ctx := c.context(doc, path)
	sum.Version = ctx.version
	sum.Types = c.types(doc, path, "VerifiablePresentation", ctx)
	sum.ID = c.id(doc, path)
	sum.Name = text(doc["name"])
	c.holder(doc, path, ctx.version, &sum)
	if ctx.version == V2 {
		c.langValue(doc, path, "name")
		c.langValue(doc, path, "description")
	}
	c.families(doc, path, ctx.version)
	v, ok := doc["verifiableCredential"]
	if !ok {
		return sum
	}
	p := join(path, "verifiableCredential")
	list := items(v)
	if len(list) == 0 {
		c.add(p, "presentation-credential-format", "verifiableCredential, when present, must hold at least one credential")
	}
	d := depth + 1
	if _, isArray := v.([]any); isArray {
		d++
	}
	for i, e := range list {
		ip := itemPath(p, v, i)
		switch x := e.(type) {
		case map[string]any:
			if d > MaxDepth || !c.visit(ip) {
				continue
			}
			if hasType(x["type"], envelopedVC) {
				sum.Credentials = append(sum.Credentials, c.enveloped(x, ip, Credential))
			} else {
				sum.Credentials = append(sum.Credentials, c.credential(x, ip, d))
			}
		case string:
			// VC 1.1 carries JWT-encoded credentials as strings; VC 2.0
			// wraps them in an EnvelopedVerifiableCredential.
			if ctx.version == V1 && isCompactJWS(x) {
				continue
			}
			c.add(ip, "presentation-credential-format", "verifiableCredential entries must be objects (embedded or enveloped credentials), not strings")
		default:
			c.add(ip, "presentation-credential-format", "verifiableCredential entries must be credential objects, not %s", describe(e))
		}
	}
	return sum
}

// isCompactJWS reports whether s looks like a compact JWS (a JWT): three
// base64url segments, the middle one possibly empty.
func isCompactJWS(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return false
	}
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			b := p[i]
			if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-' || b == '_') {
				return false
			}
		}
	}
	return true
}

// enveloped checks an EnvelopedVerifiableCredential or
// EnvelopedVerifiablePresentation: its content is checked once decoded,
// elsewhere.
func (c *checker) enveloped(doc map[string]any, path string, kind Kind) Summary {
	sum := Summary{Kind: kind}
	ctx := c.context(doc, path)
	sum.Version = ctx.version
	want := envelopedVC
	if kind == Presentation {
		want = envelopedVP
	}
	sum.Types = c.types(doc, path, want, ctx)
	id, _ := doc["id"].(string)
	sum.ID = id
	if !strings.HasPrefix(id, "data:") || !strings.Contains(id, ",") {
		c.add(join(path, "id"), "enveloped-id", "an %s's id must be a data: URL carrying the secured document", want)
	}
	return sum
}

// types checks the type property, which must include required.
func (c *checker) types(doc map[string]any, path, required string, ctx contexts) []string {
	p := join(path, "type")
	v, ok := doc["type"]
	if !ok {
		c.add(p, "type-missing", "the type property is missing; it must include %q", required)
		return nil
	}
	types, wellFormed := typeValues(v)
	if !wellFormed {
		c.add(p, "type-format", "type must be one or more terms or URLs (non-empty strings without spaces), not %s", describe(v))
	}
	if !slices.Contains(types, required) {
		c.add(p, "type-required", "type must include %q", required)
	}
	c.undefinedTypes(ctx, types, path)
	return types
}

// id checks that an id, when present, is a single URL.
func (c *checker) id(doc map[string]any, path string) string {
	v, ok := doc["id"]
	if !ok {
		return ""
	}
	s, isString := v.(string)
	if !isString || !isURL(s) {
		c.add(join(path, "id"), "id-url", "id must be a single URL, not %s", describe(v))
	}
	return s
}

// issuer checks the issuer: a URL, or an object whose id is a URL.
func (c *checker) issuer(doc map[string]any, path string, ver Version, sum *Summary) {
	p := join(path, "issuer")
	v, ok := doc["issuer"]
	if !ok {
		c.add(p, "issuer-missing", "the issuer property is missing")
		return
	}
	switch x := v.(type) {
	case string:
		sum.Issuer = x
		if !isURL(x) {
			c.add(p, "issuer-url", "issuer %s is not a URL", describe(x))
		}
	case map[string]any:
		id, has := x["id"]
		s, _ := id.(string)
		sum.Issuer, sum.IssuerName = s, text(x["name"])
		switch {
		case !has:
			c.add(join(p, "id"), "issuer-url", "the issuer object has no id: it must carry the issuer's URL")
		case !isURL(s):
			c.add(join(p, "id"), "issuer-url", "issuer.id must be a URL, not %s", describe(id))
		}
		if ver == V2 {
			c.langValue(x, p, "name")
			c.langValue(x, p, "description")
		}
	default:
		c.add(p, "issuer-format", "issuer must be a URL or an object with an id, not %s", describe(v))
	}
}

// holder checks a presentation's holder: a URL, or (VC 2.0) an object
// whose id is a URL.
func (c *checker) holder(doc map[string]any, path string, ver Version, sum *Summary) {
	p := join(path, "holder")
	v, ok := doc["holder"]
	if !ok {
		return
	}
	switch x := v.(type) {
	case string:
		sum.Holder = x
		if !isURL(x) {
			c.add(p, "holder-url", "holder %s is not a URL", describe(x))
		}
	case map[string]any:
		id, has := x["id"]
		sum.Holder, _ = id.(string)
		switch {
		case ver == V1:
			c.add(p, "holder-format", "in VC 1.1 the holder must be a URI, not an object")
		case !has:
			c.add(join(p, "id"), "holder-url", "the holder object has no id: it must carry the holder's URL")
		case !isURL(sum.Holder):
			c.add(join(p, "id"), "holder-url", "holder.id must be a URL, not %s", describe(id))
		}
	default:
		c.add(p, "holder-format", "holder must be a URL or an object with an id, not %s", describe(v))
	}
}

// subjects checks credentialSubject: one or more objects, each making a
// claim, each id a URL.
func (c *checker) subjects(doc map[string]any, path string, sum *Summary) {
	p := join(path, "credentialSubject")
	v, ok := doc["credentialSubject"]
	if !ok {
		c.add(p, "subject-missing", "the credentialSubject property is missing")
		return
	}
	list := items(v)
	if len(list) == 0 {
		c.add(p, "subject-format", "credentialSubject must hold at least one subject")
	}
	for i, e := range list {
		ip := itemPath(p, v, i)
		m, isObject := e.(map[string]any)
		switch {
		case !isObject:
			c.add(ip, "subject-format", "a credential subject must be an object, not %s", describe(e))
			continue
		case len(m) == 0:
			c.add(ip, "subject-empty", "the credential subject is empty: it must make at least one claim")
			continue
		}
		id, has := m["id"]
		if !has {
			continue
		}
		if s, isString := id.(string); isString && isURL(s) {
			sum.Subjects = append(sum.Subjects, s)
		} else {
			c.add(join(ip, "id"), "subject-id-url", "a credential subject's id must be a single URL, not %s", describe(id))
		}
	}
}

// validity checks the validity period: validFrom and validUntil (and for
// VC 1.1 issuanceDate, required, and expirationDate) must be date-time
// stamps with a time zone, and (VC 2.0) validUntil not before validFrom.
func (c *checker) validity(doc map[string]any, path string, ver Version, sum *Summary) {
	lower := ver == V1
	from, fromOK := c.dateTime(doc, path, "validFrom", "valid-from-format", lower)
	until, untilOK := c.dateTime(doc, path, "validUntil", "valid-until-format", lower)
	if ver == V1 {
		if _, ok := doc["issuanceDate"]; !ok {
			c.add(join(path, "issuanceDate"), "issuance-date-missing", "a VC 1.1 credential must have an issuanceDate")
		}
		if t, ok := c.dateTime(doc, path, "issuanceDate", "issuance-date-format", true); ok {
			from, fromOK = t, true
		}
		if t, ok := c.dateTime(doc, path, "expirationDate", "expiration-date-format", true); ok {
			until, untilOK = t, true
		}
	}
	if fromOK {
		sum.ValidFrom = from
	}
	if untilOK {
		sum.ValidUntil = until
	}
	if ver == V2 && fromOK && untilOK && until.Before(from) {
		c.add(join(path, "validUntil"), "valid-period", "validUntil (%s) is before validFrom (%s)",
			until.Format(time.RFC3339), from.Format(time.RFC3339))
	}
}

// dateTime checks that doc[key], when present, is a date-time stamp.
func (c *checker) dateTime(doc map[string]any, path, key, rule string, lower bool) (time.Time, bool) {
	v, ok := doc[key]
	if !ok {
		return time.Time{}, false
	}
	s, isString := v.(string)
	t, valid := parseDateTime(s, lower)
	if !isString || !valid {
		c.add(join(path, key), rule, "%s must be a date-time with a time zone, such as 2025-01-31T09:00:00Z, not %s", key, describe(v))
		return time.Time{}, false
	}
	return t, true
}

// langValue checks a VC 2.0 name or description: a string, a language
// value object, or a list of these.
func (c *checker) langValue(obj map[string]any, path, key string) {
	v, ok := obj[key]
	if !ok {
		return
	}
	p, rule := join(path, key), key+"-format"
	list, isArray := v.([]any)
	if !isArray {
		c.langItem(v, p, key, rule)
		return
	}
	if len(list) == 0 {
		c.add(p, rule, "%s must be a string or one or more language value objects, not an empty list", key)
	}
	for i, e := range list {
		c.langItem(e, index(p, i), key, rule)
	}
}

func (c *checker) langItem(v any, p, key, rule string) {
	switch x := v.(type) {
	case string:
	case map[string]any:
		if _, ok := x["@value"].(string); !ok {
			c.add(p, rule, "%s must be a string or a language value object ({\"@value\": …, \"@language\": …}) with a string @value", key)
			return
		}
		for _, k := range sortedKeys(x) {
			switch k {
			case "@value":
			case "@language":
				if s, ok := x[k].(string); !ok || !isLanguageTag(s) {
					c.add(join(p, k), rule, "@language must be a language tag such as \"en\" or \"es-MX\"")
				}
			case "@direction":
				if s := str(x[k]); s != "ltr" && s != "rtl" {
					c.add(join(p, k), rule, "@direction must be \"ltr\" or \"rtl\"")
				}
			default:
				c.add(join(p, k), rule, "a language value object may hold only @value, @language and @direction, not %q", k)
			}
		}
	default:
		c.add(p, rule, "%s must be a string or a language value object, not %s", key, describe(v))
	}
}

// isLanguageTag is a loose BCP 47 check: letter and digit subtags of 1 to 8
// characters joined by hyphens, the first all letters.
func isLanguageTag(s string) bool {
	for i, sub := range strings.Split(s, "-") {
		if len(sub) < 1 || len(sub) > 8 {
			return false
		}
		for j := 0; j < len(sub); j++ {
			b := sub[j] | 0x20
			if !('a' <= b && b <= 'z' || i > 0 && '0' <= sub[j] && sub[j] <= '9') {
				return false
			}
		}
	}
	return true
}

// family is a property whose values are objects with a type: status,
// schema, evidence, terms of use, refresh service, render method.
type family struct {
	key, rule        string
	idV1, idV2, only bool
	version          Version
}

var families = []family{
	{key: "credentialStatus", rule: "credential-status", idV1: true},
	{key: "credentialSchema", rule: "credential-schema", idV1: true, idV2: true},
	{key: "evidence", rule: "evidence"},
	{key: "termsOfUse", rule: "terms-of-use"},
	{key: "refreshService", rule: "refresh-service", idV1: true},
	{key: "renderMethod", rule: "render-method", only: true, version: V2},
}

// families checks the typed-object properties of a credential.
func (c *checker) families(doc map[string]any, path string, ver Version) {
	for _, f := range families {
		v, ok := doc[f.key]
		if !ok || f.only && f.version != ver {
			continue
		}
		p := join(path, f.key)
		list := items(v)
		if len(list) == 0 {
			c.add(p, f.rule+"-format", "%s, when present, must hold one or more objects", f.key)
		}
		needID := ver == V1 && f.idV1 || ver == V2 && f.idV2
		for i, e := range list {
			ip := itemPath(p, v, i)
			m, isObject := e.(map[string]any)
			if !isObject {
				c.add(ip, f.rule+"-format", "%s entries must be objects, not %s", f.key, describe(e))
				continue
			}
			if t, has := m["type"]; !has {
				c.add(join(ip, "type"), f.rule+"-type", "%s objects must have a type", f.key)
			} else if _, wellFormed := typeValues(t); !wellFormed {
				c.add(join(ip, "type"), f.rule+"-type", "the type of a %s object must be one or more terms or URLs, not %s", f.key, describe(t))
			}
			id, has := m["id"]
			switch s, isString := id.(string); {
			case !has && needID:
				c.add(join(ip, "id"), f.rule+"-id", "%s objects must have an id (a URL)", f.key)
			case has && (!isString || !isURL(s)):
				c.add(join(ip, "id"), f.rule+"-id", "the id of a %s object must be a single URL, not %s", f.key, describe(id))
			}
		}
	}
}

// relatedResources checks VC 2.0 relatedResource: objects with a unique URL
// id and a digestSRI or digestMultibase.
func (c *checker) relatedResources(doc map[string]any, path string) {
	v, ok := doc["relatedResource"]
	if !ok {
		return
	}
	p := join(path, "relatedResource")
	list := items(v)
	if len(list) == 0 {
		c.add(p, "related-resource-format", "relatedResource, when present, must hold one or more objects")
	}
	seen := map[string]bool{}
	for i, e := range list {
		ip := itemPath(p, v, i)
		m, isObject := e.(map[string]any)
		if !isObject {
			c.add(ip, "related-resource-format", "relatedResource entries must be objects, not %s", describe(e))
			continue
		}
		id, isString := m["id"].(string)
		switch {
		case !isString || !isURL(id):
			c.add(join(ip, "id"), "related-resource-id", "a related resource must have an id that is a URL")
		case seen[id]:
			c.add(join(ip, "id"), "related-resource-duplicate", "related resource %s is listed more than once", id)
		}
		seen[id] = true
		_, sri := m["digestSRI"].(string)
		_, mb := m["digestMultibase"].(string)
		if !sri && !mb {
			c.add(ip, "related-resource-digest", "a related resource must have a digestSRI or a digestMultibase")
		}
	}
}

// describe names a JSON value for a finding: the string quoted (and cut
// short), or its kind.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 60 {
			x = x[:57] + "..."
		}
		return strconv.Quote(x)
	case bool:
		return "a boolean"
	case []any:
		if len(x) == 0 {
			return "an empty list"
		}
		return "a list"
	case map[string]any:
		return "an object"
	}
	if _, ok := number(v); ok {
		return "a number"
	}
	return fmt.Sprintf("a %T", v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
