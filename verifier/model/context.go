package model

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// The base contexts and the contexts that mark a document as OB 3.0 or
// CLR 2.0.
const (
	ContextV1 = "https://www.w3.org/2018/credentials/v1"
	ContextV2 = "https://www.w3.org/ns/credentials/v2"
)

var (
	// obContextRE matches the OB 3.0 context and its versions, as the
	// official JSON Schema's @context pattern does; obContextAlias is the
	// other URL 1EdTech publishes it under.
	obContextRE    = regexp.MustCompile(`^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d+\.\d+)?\.json$`)
	obContextAlias = "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld"
	clrContextRE   = regexp.MustCompile(`^https://purl\.imsglobal\.org/spec/clr/v2p0/context(-2\.\d+\.\d+)?\.json$`)
)

func isOBContext(s string) bool  { return obContextRE.MatchString(s) || s == obContextAlias }
func isCLRContext(s string) bool { return clrContextRE.MatchString(s) }

// baseTerms are the top-level terms each base context defines. Both base
// contexts are @protected, so an embedded context may not redefine them;
// they are also the only terms a document whose sole remote context is the
// base context can use as types without defining them itself (neither base
// context has an @vocab).
var baseTerms = map[Version][]string{
	V1: {"EcdsaSecp256k1Signature2019", "EcdsaSecp256r1Signature2019", "Ed25519Signature2018",
		"RsaSignature2018", "VerifiableCredential", "VerifiablePresentation", "id", "proof", "type"},
	V2: {"BitstringStatusList", "BitstringStatusListCredential", "BitstringStatusListEntry",
		"DataIntegrityProof", "EnvelopedVerifiableCredential", "EnvelopedVerifiablePresentation",
		"JsonSchema", "JsonSchemaCredential", "VerifiableCredential", "VerifiablePresentation",
		"_sd", "_sd_alg", "aud", "cnf", "description", "digestMultibase", "digestSRI", "exp", "iat",
		"id", "iss", "jku", "kid", "mediaType", "name", "nbf", "sub", "type", "x5u"},
}

// contexts is what the @context of a document says.
type contexts struct {
	version Version
	urls    []string
	// defined are the terms embedded contexts define (not as null).
	defined map[string]bool
	// vocab: an embedded context sets a non-null @vocab, so every term
	// expands.
	vocab bool
	// other: a remote context other than a base context; its terms are
	// unknown here.
	other bool
}

func (x contexts) has(match func(string) bool) bool {
	return slices.ContainsFunc(x.urls, match)
}

// context checks the @context of the document at path: present, the base
// context first, then URLs and embedded context objects.
func (c *checker) context(doc map[string]any, path string) contexts {
	p := join(path, "@context")
	v, ok := doc["@context"]
	if !ok {
		c.add(p, "context-missing", "the @context property is missing; it must start with %s", ContextV2)
		return contexts{}
	}
	var list []any
	switch x := v.(type) {
	case string:
		list = []any{x}
	case []any:
		list = x
	default:
		c.add(p, "context-format", "@context must be a URL or an ordered list starting with the base context")
		return contexts{}
	}
	var x contexts
	x.defined = map[string]bool{}
	if len(list) == 0 {
		c.add(p, "context-first", "@context is empty; its first item must be %s", ContextV2)
	}
	first := ""
	if len(list) > 0 {
		first, _ = list[0].(string)
	}
	sawV1, sawV2 := containsString(list, ContextV1), containsString(list, ContextV2)
	switch {
	case first == ContextV2:
		x.version = V2
	case first == ContextV1:
		x.version = V1
	case len(list) == 0:
	case sawV2:
		x.version = V2
		c.add(index(p, 0), "context-first", "the first @context item must be %s", ContextV2)
	case sawV1:
		x.version = V1
		c.add(index(p, 0), "context-first", "the first @context item must be %s", ContextV1)
	default:
		c.add(p, "context-base", "@context lacks the base context %s (VC 2.0) or %s (VC 1.1)", ContextV2, ContextV1)
	}
	if sawV1 && sawV2 {
		c.add(p, "context-mixed", "@context holds both the VC 1.1 and the VC 2.0 base contexts, whose protected terms conflict")
	}
	protected := map[string]any{}
	for i, item := range list {
		ip := itemPath(p, v, i)
		switch it := item.(type) {
		case string:
			x.urls = append(x.urls, it)
			switch {
			case it == ContextV2 || it == ContextV1:
			case !isURL(it):
				c.add(ip, "context-url", "@context item %s is not a URL", describe(it))
				x.other = true
			default:
				x.other = true
			}
		case map[string]any:
			c.embeddedContext(it, ip, &x, protected)
		default:
			c.add(ip, "context-format", "@context items must be URLs or objects, not %s", describe(item))
		}
	}
	for _, t := range baseTerms[x.version] {
		x.defined[t] = true
	}
	return x
}

// embeddedContext checks a context object inside @context: term
// definitions must be IRIs, and no term a base context or an earlier
// protected definition holds may be redefined.
func (c *checker) embeddedContext(ctx map[string]any, path string, x *contexts, protected map[string]any) {
	allProtected, _ := ctx["@protected"].(bool)
	for _, k := range sortedKeys(ctx) {
		def := ctx[k]
		if strings.HasPrefix(k, "@") {
			if k == "@vocab" {
				switch s := def.(type) {
				case nil:
				case string:
					if !isIRIish(s) {
						c.add(join(path, k), "context-term", "@vocab %q is not an IRI", s)
					}
					x.vocab = true
				default:
					c.add(join(path, k), "context-term", "@vocab must be an IRI or null")
				}
			}
			continue
		}
		tp := join(path, k)
		if slices.Contains(baseTerms[x.version], k) {
			c.add(tp, "context-redefinition", "the embedded context redefines %q, a protected term of the base context", k)
		} else if prev, ok := protected[k]; ok && !reflect.DeepEqual(prev, def) {
			c.add(tp, "context-redefinition", "the embedded context redefines %q, which an earlier context protects", k)
		}
		switch d := def.(type) {
		case nil:
			continue
		case string:
			if !isIRIish(d) {
				c.add(tp, "context-term", "term %q is mapped to %q, which is not an IRI", k, d)
			}
		case map[string]any:
			if id, ok := d["@id"]; ok {
				if s, isString := id.(string); !isString || !isIRIish(s) {
					c.add(join(tp, "@id"), "context-term", "term %q is mapped to an @id that is not an IRI", k)
				}
			}
			if p, _ := d["@protected"].(bool); p {
				protected[k] = def
			}
		default:
			c.add(tp, "context-term", "term %q must be defined by an IRI, an object or null", k)
			continue
		}
		if allProtected {
			protected[k] = def
		}
		x.defined[k] = true
	}
}

// undefinedTypes reports type values that expand to no IRI: when the only
// remote context is the base context and no embedded context sets @vocab,
// a type that is neither an IRI nor a defined term is not mapped.
func (c *checker) undefinedTypes(x contexts, types []string, path string) {
	if x.version == Unknown || x.other || x.vocab {
		return
	}
	for _, t := range types {
		if t != "" && !strings.Contains(t, ":") && !x.defined[t] {
			c.add(join(path, "type"), "type-undefined", "type %q is defined by no context in @context, so it maps to no IRI", t)
		}
	}
}

// containsString reports whether list holds the string s.
func containsString(list []any, s string) bool {
	for _, e := range list {
		if t, ok := e.(string); ok && t == s {
			return true
		}
	}
	return false
}
