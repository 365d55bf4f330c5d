package model_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/verifier/model"
)

// ruleCase is one table test: a document and the rules Check must report
// (nil: none), and optionally where.
type ruleCase struct {
	name  string
	doc   func(t testing.TB) map[string]any
	rules []string
	paths []string
}

// edit returns a case document: base edited by f.
func edit(base func() map[string]any, f func(d map[string]any)) func(testing.TB) map[string]any {
	return func(testing.TB) map[string]any {
		d := base()
		f(d)
		return d
	}
}

func editT(base func(testing.TB) map[string]any, f func(d map[string]any)) func(testing.TB) map[string]any {
	return func(t testing.TB) map[string]any {
		d := base(t)
		f(d)
		return d
	}
}

func doc(s string) func(testing.TB) map[string]any {
	return func(t testing.TB) map[string]any { return parse(t, s) }
}

func rules(r ...string) []string { return r }

var envelopeCases = []ruleCase{
	{name: "ok/vc2", doc: edit(vc2, func(map[string]any) {})},
	{name: "ok/vc1", doc: edit(vc1, func(map[string]any) {})},
	{name: "ok/context-string", doc: edit(vc2, func(d map[string]any) { d["@context"] = v2 })},
	{name: "ok/context-embedded-term", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{v2, map[string]any{"ExampleCredential": "https://example.org/#ExampleCredential"}}
		d["type"] = []any{"VerifiableCredential", "ExampleCredential"}
	})},
	{name: "ok/context-compact-iri-term", doc: edit(vc1, func(d map[string]any) {
		d["@context"] = []any{v1, map[string]any{"image": map[string]any{"@id": "schema:image", "@type": "@id"}}}
	})},
	{name: "ok/context-protected-same-definition", doc: edit(vc2, func(d map[string]any) {
		def := "https://example.org/#Ex"
		d["@context"] = []any{v2, map[string]any{"@protected": true, "Ex": def}, map[string]any{"Ex": def}}
		d["type"] = []any{"VerifiableCredential", "Ex"}
	})},
	{name: "ok/type-url", doc: edit(vc2, func(d map[string]any) {
		d["type"] = []any{"https://example.org/#Example", "VerifiableCredential"}
	})},
	{name: "ok/type-from-remote-context", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{v2, ex2}
		d["type"] = []any{"VerifiableCredential", "RelationshipCredential"}
	})},
	{name: "ok/type-under-embedded-vocab", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{v2, map[string]any{"@vocab": "https://example.org/vocab#"}}
		d["type"] = []any{"VerifiableCredential", "Anything"}
	})},
	{name: "ok/type-string", doc: edit(vc1, func(d map[string]any) { d["type"] = "VerifiableCredential" })},

	{name: "fail/context-missing", doc: edit(vc2, func(d map[string]any) { delete(d, "@context") }),
		rules: rules("context-missing")},
	{name: "fail/context-not-a-list", doc: edit(vc2, func(d map[string]any) { d["@context"] = 42.0 }),
		rules: rules("context-format")},
	{name: "fail/context-empty", doc: edit(vc2, func(d map[string]any) { d["@context"] = []any{} }),
		rules: rules("context-first")},
	{name: "fail/context-base-not-first", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{map[string]any{"Ex": "https://example.org/#Ex"}, v2}
	}), rules: rules("context-first"), paths: []string{"@context[0]"}},
	{name: "fail/context-v1-not-first", doc: edit(vc1, func(d map[string]any) {
		d["@context"] = []any{"https://www.w3.org/2018/credentials/examples/v1", v1}
	}), rules: rules("context-first")},
	{name: "fail/context-base-missing", doc: edit(vc2, func(d map[string]any) { d["@context"] = []any{ex2} }),
		rules: rules("context-base")},
	{name: "fail/context-mixed-versions", doc: edit(vc2, func(d map[string]any) { d["@context"] = []any{v2, v1} }),
		rules: rules("context-mixed")},
	{name: "fail/context-item-not-url", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{v2, "https ://not-a-url/contexts/example/v1"}
	}), rules: rules("context-url"), paths: []string{"@context[1]"}},
	{name: "fail/context-item-number", doc: edit(vc2, func(d map[string]any) { d["@context"] = []any{v2, 123192875.0} }),
		rules: rules("context-format")},
	{name: "fail/context-term-not-iri", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{v2, map[string]any{"Ex": "https ://not-a-url#Ex"}}
		d["type"] = []any{"VerifiableCredential", "Ex"}
	}), rules: rules("context-term")},
	{name: "fail/context-term-number", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{v2, map[string]any{"Ex": 5.0}}
	}), rules: rules("context-term")},
	{name: "fail/context-redefines-base-term", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{v2, map[string]any{"VerifiableCredential": "https://example.org/#BadVerifiableCredential"}}
	}), rules: rules("context-redefinition"), paths: []string{"@context[1].VerifiableCredential"}},
	{name: "fail/context-redefines-protected-term", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{v2,
			map[string]any{"@protected": true, "Ex": "https://example.org/#Ex"},
			map[string]any{"Ex": "https://example.org/#BadEx"}}
		d["type"] = []any{"VerifiableCredential", "Ex"}
	}), rules: rules("context-redefinition"), paths: []string{"@context[2].Ex"}},
	{name: "fail/context-redefines-term-protected-alone", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{v2,
			map[string]any{"Ex": map[string]any{"@id": "https://example.org/#Ex", "@protected": true}},
			map[string]any{"Ex": "https://example.org/#BadEx"}}
		d["type"] = []any{"VerifiableCredential", "Ex"}
	}), rules: rules("context-redefinition")},
	{name: "fail/type-unmapped-vocab-null", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{v2, map[string]any{"@vocab": nil}}
		d["type"] = []any{"VerifiableCredential", "ExampleTestCredential"}
	}), rules: rules("type-undefined")},
	{name: "fail/type-undefined-base-only", doc: edit(vc2, func(d map[string]any) {
		d["type"] = []any{"VerifiableCredential", "ExampleTestCredential"}
	}), rules: rules("type-undefined")},
	{name: "fail/type-missing", doc: edit(vc2, func(d map[string]any) { delete(d, "type") }),
		rules: rules("type-missing")},
	{name: "fail/type-lacks-verifiable-credential", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{v2, ex2}
		d["type"] = []any{"RelationshipCredential"}
	}), rules: rules("type-required")},
	{name: "fail/type-empty", doc: edit(vc1, func(d map[string]any) { d["type"] = []any{} }),
		rules: rules("type-format", "type-required")},
	{name: "fail/type-number", doc: edit(vc2, func(d map[string]any) { d["type"] = []any{"VerifiableCredential", 2.0} }),
		rules: rules("type-format")},
	{name: "fail/type-with-space", doc: edit(vc2, func(d map[string]any) {
		d["@context"] = []any{v2, ex2}
		d["type"] = []any{"VerifiableCredential", "Example Credential"}
	}), rules: rules("type-format")},

	{name: "ok/id-absent", doc: edit(vc2, func(d map[string]any) { delete(d, "id") })},
	{name: "ok/id-https", doc: edit(vc2, func(d map[string]any) { d["id"] = "https://example.org/credentials/1" })},
	{name: "fail/id-list", doc: edit(vc2, func(d map[string]any) {
		d["id"] = []any{"https://example.org/credentials/1", "https://example.net/credentials/1"}
	}), rules: rules("id-url")},
	{name: "fail/id-null", doc: edit(vc2, func(d map[string]any) { d["id"] = nil }), rules: rules("id-url")},
	{name: "fail/id-not-url", doc: edit(vc2, func(d map[string]any) { d["id"] = "https ://not-a-url/vcs/1" }),
		rules: rules("id-url")},
	{name: "fail/id-http-without-host", doc: edit(vc2, func(d map[string]any) { d["id"] = "https:credentials/1" }),
		rules: rules("id-url")},
	{name: "fail/id-bad-percent-escape", doc: edit(vc2, func(d map[string]any) { d["id"] = "urn:x:%zz" }),
		rules: rules("id-url")},

	{name: "ok/issuer-object", doc: edit(vc2, func(d map[string]any) {
		d["issuer"] = map[string]any{"id": "did:example:issuer", "name": "Example"}
	})},
	{name: "fail/issuer-missing", doc: edit(vc2, func(d map[string]any) { delete(d, "issuer") }),
		rules: rules("issuer-missing")},
	{name: "fail/issuer-not-url", doc: edit(vc2, func(d map[string]any) { d["issuer"] = "fake-issuer" }),
		rules: rules("issuer-url")},
	{name: "fail/issuer-null", doc: edit(vc2, func(d map[string]any) { d["issuer"] = nil }),
		rules: rules("issuer-format")},
	{name: "fail/issuer-list", doc: edit(vc1, func(d map[string]any) {
		d["issuer"] = []any{"https://example.edu/issuers/14", "https://example.edu/issuers/20"}
	}), rules: rules("issuer-format")},
	{name: "fail/issuer-object-without-id", doc: edit(vc2, func(d map[string]any) { d["issuer"] = map[string]any{"name": "Acme"} }),
		rules: rules("issuer-url"), paths: []string{"issuer.id"}},
	{name: "fail/issuer-object-id-null", doc: edit(vc2, func(d map[string]any) { d["issuer"] = map[string]any{"id": nil} }),
		rules: rules("issuer-url")},
	{name: "fail/issuer-object-id-not-url", doc: edit(vc2, func(d map[string]any) { d["issuer"] = map[string]any{"id": "fake-issuer"} }),
		rules: rules("issuer-url")},

	{name: "ok/subject-list", doc: edit(vc2, func(d map[string]any) {
		d["credentialSubject"] = []any{map[string]any{"id": "did:example:a"}, map[string]any{"id": "did:example:b"}}
	})},
	{name: "ok/subject-without-id", doc: edit(vc2, func(d map[string]any) {
		d["credentialSubject"] = map[string]any{"name": "Jane Doe"}
	})},
	{name: "fail/subject-missing", doc: edit(vc2, func(d map[string]any) { delete(d, "credentialSubject") }),
		rules: rules("subject-missing")},
	{name: "fail/subject-empty", doc: edit(vc2, func(d map[string]any) { d["credentialSubject"] = map[string]any{} }),
		rules: rules("subject-empty")},
	{name: "fail/subject-empty-in-list", doc: edit(vc2, func(d map[string]any) {
		d["credentialSubject"] = []any{map[string]any{"id": "did:example:subject"}, map[string]any{}}
	}), rules: rules("subject-empty"), paths: []string{"credentialSubject[1]"}},
	{name: "fail/subject-empty-list", doc: edit(vc2, func(d map[string]any) { d["credentialSubject"] = []any{} }),
		rules: rules("subject-format")},
	{name: "fail/subject-string", doc: edit(vc2, func(d map[string]any) { d["credentialSubject"] = "did:example:subject" }),
		rules: rules("subject-format")},
	{name: "fail/subject-id-list", doc: edit(vc2, func(d map[string]any) {
		d["credentialSubject"] = map[string]any{"id": []any{"did:example:one", "did:example:two"}}
	}), rules: rules("subject-id-url"), paths: []string{"credentialSubject.id"}},

	{name: "ok/valid-from-milliseconds", doc: edit(vc2, func(d map[string]any) { d["validFrom"] = "2023-02-26T01:02:58.447Z" })},
	{name: "ok/valid-from-offset", doc: edit(vc2, func(d map[string]any) { d["validFrom"] = "2023-02-25T19:10:39-06:00" })},
	{name: "ok/valid-from-far-future", doc: edit(vc2, func(d map[string]any) { d["validFrom"] = "4023-02-26T01:02:58.447Z" })},
	{name: "ok/valid-until-later-in-other-zone", doc: edit(vc2, func(d map[string]any) {
		d["validFrom"], d["validUntil"] = "2023-02-26T01:21:23Z", "2023-02-25T19:21:29-06:00"
	})},
	{name: "ok/valid-until-equal", doc: edit(vc2, func(d map[string]any) { d["validUntil"] = d["validFrom"] })},
	{name: "fail/valid-from-not-a-date", doc: edit(vc2, func(d map[string]any) { d["validFrom"] = "Sat 25 Feb 2023 07:16:31 PM CST" }),
		rules: rules("valid-from-format")},
	{name: "fail/valid-from-no-zone", doc: edit(vc2, func(d map[string]any) { d["validFrom"] = "2023-02-26T01:02:58" }),
		rules: rules("valid-from-format")},
	{name: "fail/valid-from-lower-case-t", doc: edit(vc2, func(d map[string]any) { d["validFrom"] = "2023-02-26t01:02:58z" }),
		rules: rules("valid-from-format")},
	{name: "fail/valid-from-impossible-day", doc: edit(vc2, func(d map[string]any) { d["validFrom"] = "2023-02-30T00:00:00Z" }),
		rules: rules("valid-from-format")},
	{name: "fail/valid-from-zone-out-of-range", doc: edit(vc2, func(d map[string]any) { d["validFrom"] = "2023-02-26T01:02:58+24:00" }),
		rules: rules("valid-from-format")},
	{name: "ok/valid-from-zone-at-range-end", doc: edit(vc2, func(d map[string]any) { d["validFrom"] = "2023-02-26T01:02:58+14:00" })},
	{name: "fail/valid-from-number", doc: edit(vc2, func(d map[string]any) { d["validFrom"] = 1677374578.0 }),
		rules: rules("valid-from-format")},
	{name: "fail/valid-until-rfc1123", doc: edit(vc2, func(d map[string]any) { d["validUntil"] = "Sun, 26 Feb 2023 01:22:14 +0000" }),
		rules: rules("valid-until-format")},
	{name: "fail/valid-until-before-valid-from", doc: edit(vc2, func(d map[string]any) {
		d["validFrom"], d["validUntil"] = "2026-01-01T00:00:00Z", "2024-01-01T00:00:00Z"
	}), rules: rules("valid-period")},
	{name: "ok/v1-issuance-date-lower-case", doc: edit(vc1, func(d map[string]any) { d["issuanceDate"] = "2010-01-01t19:23:24z" })},
	{name: "ok/v1-expiration-date", doc: edit(vc1, func(d map[string]any) { d["expirationDate"] = "2020-01-01T19:23:24Z" })},
	{name: "fail/v1-issuance-date-missing", doc: edit(vc1, func(d map[string]any) { delete(d, "issuanceDate") }),
		rules: rules("issuance-date-missing")},
	{name: "fail/v1-issuance-date-not-rfc3339", doc: edit(vc1, func(d map[string]any) { d["issuanceDate"] = "01/01/2010" }),
		rules: rules("issuance-date-format")},
	{name: "fail/v1-issuance-date-list", doc: edit(vc1, func(d map[string]any) {
		d["issuanceDate"] = []any{"2010-01-01T19:23:24Z", "2010-01-01T19:23:25Z"}
	}), rules: rules("issuance-date-format")},
	{name: "fail/v1-expiration-date-not-rfc3339", doc: edit(vc1, func(d map[string]any) { d["expirationDate"] = "01/01/2020" }),
		rules: rules("expiration-date-format")},

	{name: "ok/name-string", doc: edit(vc2, func(d map[string]any) { d["name"] = "Example Credential" })},
	{name: "ok/name-language-value", doc: edit(vc2, func(d map[string]any) {
		d["name"] = map[string]any{"@value": "Example", "@language": "en", "@direction": "ltr"}
	})},
	{name: "ok/description-several-languages", doc: edit(vc2, func(d map[string]any) {
		d["description"] = []any{map[string]any{"@value": "Dog", "@language": "en"}, map[string]any{"@value": "Chien", "@language": "fr-CA"}}
	})},
	{name: "ok/issuer-name-language-value", doc: edit(vc2, func(d map[string]any) {
		d["issuer"] = map[string]any{"id": "did:example:issuer", "name": map[string]any{"@value": "Example", "@language": "en"}}
	})},
	{name: "fail/name-extra-property", doc: edit(vc2, func(d map[string]any) {
		d["name"] = map[string]any{"@value": "Example", "@language": "en", "url": "did:example:credential"}
	}), rules: rules("name-format"), paths: []string{"name.url"}},
	{name: "fail/name-number", doc: edit(vc2, func(d map[string]any) { d["name"] = 7.0 }), rules: rules("name-format")},
	{name: "fail/name-empty-list", doc: edit(vc2, func(d map[string]any) { d["name"] = []any{} }), rules: rules("name-format")},
	{name: "fail/description-without-value", doc: edit(vc2, func(d map[string]any) {
		d["description"] = map[string]any{"@language": "en"}
	}), rules: rules("description-format")},
	{name: "fail/description-bad-direction", doc: edit(vc2, func(d map[string]any) {
		d["description"] = map[string]any{"@value": "x", "@direction": "up"}
	}), rules: rules("description-format")},
	{name: "fail/description-bad-language", doc: edit(vc2, func(d map[string]any) {
		d["description"] = map[string]any{"@value": "x", "@language": "english language"}
	}), rules: rules("description-format")},
	{name: "fail/issuer-name-language-map", doc: edit(vc2, func(d map[string]any) {
		d["issuer"] = map[string]any{"id": "did:example:issuer", "name": map[string]any{"en": "Example"}}
	}), rules: rules("name-format")},
	{name: "fail/issuer-description-extra-property", doc: edit(vc2, func(d map[string]any) {
		d["issuer"] = map[string]any{"id": "did:example:issuer", "description": map[string]any{"@value": "x", "url": "did:example:issuer"}}
	}), rules: rules("description-format"), paths: []string{"issuer.description.url"}},
}

var propertyCases = []ruleCase{
	{name: "ok/status", doc: edit(vc2, func(d map[string]any) {
		d["credentialStatus"] = map[string]any{"id": "https://example.edu/status/1#7", "type": "BitstringStatusListEntry"}
	})},
	{name: "ok/status-without-id-v2", doc: edit(vc2, func(d map[string]any) {
		d["credentialStatus"] = map[string]any{"type": "BitstringStatusListEntry"}
	})},
	{name: "fail/status-without-type", doc: edit(vc2, func(d map[string]any) {
		d["credentialStatus"] = map[string]any{"id": "did:example:status"}
	}), rules: rules("credential-status-type"), paths: []string{"credentialStatus.type"}},
	{name: "fail/status-type-number", doc: edit(vc2, func(d map[string]any) {
		d["credentialStatus"] = map[string]any{"id": "did:example:status", "type": 2.0}
	}), rules: rules("credential-status-type")},
	{name: "fail/status-several-ids", doc: edit(vc2, func(d map[string]any) {
		d["credentialStatus"] = map[string]any{"id": []any{"did:example:status:1", "did:example:status:2"}, "type": "BitstringStatusListEntry"}
	}), rules: rules("credential-status-id")},
	{name: "fail/status-id-not-url", doc: edit(vc2, func(d map[string]any) {
		d["credentialStatus"] = map[string]any{"id": "https ://not-a-url/statusList/4", "type": "BitstringStatusListEntry"}
	}), rules: rules("credential-status-id")},
	{name: "fail/v1-status-without-id", doc: edit(vc1, func(d map[string]any) {
		d["credentialStatus"] = map[string]any{"type": "CredentialStatusList2017"}
	}), rules: rules("credential-status-id")},
	{name: "fail/status-string", doc: edit(vc2, func(d map[string]any) { d["credentialStatus"] = "https://example.edu/status/1" }),
		rules: rules("credential-status-format")},
	{name: "ok/schemas", doc: edit(vc2, func(d map[string]any) {
		d["credentialSchema"] = []any{
			map[string]any{"id": "https://example.org/schema/1.json", "type": "JsonSchema"},
			map[string]any{"id": "did:example:schemas/2", "type": "https://example.org/#ExampleSchema"}}
	})},
	{name: "fail/schema-without-id", doc: edit(vc2, func(d map[string]any) {
		d["credentialSchema"] = map[string]any{"type": "JsonSchema"}
	}), rules: rules("credential-schema-id")},
	{name: "fail/schema-without-type", doc: edit(vc1, func(d map[string]any) {
		d["credentialSchema"] = map[string]any{"id": "did:example:cdf:35LB7w9ueWbagPL94T9bMLtyXDj9pX5o"}
	}), rules: rules("credential-schema-type")},
	{name: "fail/schema-id-not-url", doc: edit(vc2, func(d map[string]any) {
		d["credentialSchema"] = []any{map[string]any{"id": "https ://x.org/1", "type": "JsonSchema"}}
	}), rules: rules("credential-schema-id"), paths: []string{"credentialSchema[0].id"}},
	{name: "ok/evidence-list", doc: edit(vc2, func(d map[string]any) {
		d["evidence"] = []any{map[string]any{"type": "Evidence"}, map[string]any{"id": "https://example.edu/ev/2", "type": []any{"Evidence"}}}
	})},
	{name: "fail/evidence-empty-object", doc: edit(vc2, func(d map[string]any) { d["evidence"] = map[string]any{} }),
		rules: rules("evidence-type")},
	{name: "fail/evidence-string", doc: edit(vc2, func(d map[string]any) { d["evidence"] = []any{"https://example.edu/ev/1"} }),
		rules: rules("evidence-format")},
	{name: "fail/terms-of-use-without-type", doc: edit(vc2, func(d map[string]any) {
		d["termsOfUse"] = map[string]any{"id": "did:example:terms/1"}
	}), rules: rules("terms-of-use-type")},
	{name: "fail/terms-of-use-empty-list", doc: edit(vc2, func(d map[string]any) { d["termsOfUse"] = []any{} }),
		rules: rules("terms-of-use-format")},
	{name: "ok/refresh-service-without-id-v2", doc: edit(vc2, func(d map[string]any) {
		d["refreshService"] = map[string]any{"type": "VerifiableCredentialRefreshService2021"}
	})},
	{name: "fail/refresh-service-without-type", doc: edit(vc2, func(d map[string]any) {
		d["refreshService"] = map[string]any{"id": "did:example:refresh/1"}
	}), rules: rules("refresh-service-type")},
	{name: "fail/v1-refresh-service-without-id", doc: edit(vc1, func(d map[string]any) {
		d["refreshService"] = map[string]any{"type": "ManualRefreshService2018"}
	}), rules: rules("refresh-service-id")},
	{name: "fail/render-method-without-type", doc: edit(vc2, func(d map[string]any) {
		d["renderMethod"] = map[string]any{"id": "https://example.edu/render/1"}
	}), rules: rules("render-method-type")},
	{name: "ok/v1-ignores-render-method", doc: edit(vc1, func(d map[string]any) { d["renderMethod"] = "anything" })},
	{name: "ok/related-resources", doc: edit(vc2, func(d map[string]any) {
		d["relatedResource"] = []any{
			map[string]any{"id": "https://example.edu/a.png", "digestSRI": "sha384-abc"},
			map[string]any{"id": "https://example.edu/b.png", "digestMultibase": "uEiB"}}
	})},
	{name: "fail/related-resource-without-digest", doc: edit(vc2, func(d map[string]any) {
		d["relatedResource"] = map[string]any{"id": "https://example.edu/a.png"}
	}), rules: rules("related-resource-digest")},
	{name: "fail/related-resource-without-id", doc: edit(vc2, func(d map[string]any) {
		d["relatedResource"] = []any{map[string]any{"digestSRI": "sha384-abc"}}
	}), rules: rules("related-resource-id")},
	{name: "fail/related-resource-twice", doc: edit(vc2, func(d map[string]any) {
		r := map[string]any{"id": "https://example.edu/a.png", "digestSRI": "sha384-abc"}
		d["relatedResource"] = []any{r, r}
	}), rules: rules("related-resource-duplicate"), paths: []string{"relatedResource[1].id"}},
	{name: "fail/related-resource-string", doc: edit(vc2, func(d map[string]any) {
		d["relatedResource"] = []any{"https://example.edu/a.png"}
	}), rules: rules("related-resource-format")},
}

var presentationCases = []ruleCase{
	{name: "ok/vp", doc: edit(vp2, func(map[string]any) {})},
	{name: "ok/vp-without-credentials", doc: edit(vp2, func(d map[string]any) { delete(d, "verifiableCredential") })},
	{name: "ok/vp-holder-object", doc: edit(vp2, func(d map[string]any) { d["holder"] = map[string]any{"id": "did:example:holder"} })},
	{name: "ok/vp-single-credential-object", doc: edit(vp2, func(d map[string]any) { d["verifiableCredential"] = vc2() })},
	{name: "ok/vp-enveloped-credential", doc: edit(vp2, func(d map[string]any) {
		d["verifiableCredential"] = []any{map[string]any{
			"@context": v2, "type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt,eyJhbGciOiJFUzI1NiJ9.e30.c2ln"}}
	})},
	{name: "ok/vp-id", doc: edit(vp2, func(d map[string]any) { d["id"] = "urn:uuid:9c9a36f8-518f-4976-a934-6649502d0008" })},
	{name: "ok/v1-vp-jwt-credential", doc: func(testing.TB) map[string]any {
		return map[string]any{"@context": []any{v1}, "type": "VerifiablePresentation", "holder": "did:example:holder",
			"verifiableCredential": []any{"eyJhbGciOiJSUzI1NiJ9.eyJ2YyI6e319.c2lnbmF0dXJl", vc1()}}
	}},
	{name: "fail/vp-type-missing", doc: edit(vp2, func(d map[string]any) { delete(d, "type") }),
		rules: rules("type-missing")},
	{name: "fail/vp-type-lacks-verifiable-presentation", doc: edit(vp2, func(d map[string]any) {
		d["@context"] = []any{v2, map[string]any{"CredentialManagerPresentation": "https://example.org/examples#CredentialManagerPresentation"}}
		d["type"] = []any{"CredentialManagerPresentation"}
	}), rules: rules("type-required")},
	{name: "fail/vp-holder-not-url", doc: edit(vp2, func(d map[string]any) {
		d["holder"] = "z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"
	}), rules: rules("holder-url")},
	{name: "fail/vp-holder-object-without-id", doc: edit(vp2, func(d map[string]any) { d["holder"] = map[string]any{"name": "Acme"} }),
		rules: rules("holder-url")},
	{name: "fail/vp-holder-object-id-not-url", doc: edit(vp2, func(d map[string]any) {
		d["holder"] = map[string]any{"id": "z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"}
	}), rules: rules("holder-url")},
	{name: "fail/vp-holder-number", doc: edit(vp2, func(d map[string]any) { d["holder"] = 1.0 }),
		rules: rules("holder-format")},
	{name: "fail/v1-vp-holder-object", doc: func(testing.TB) map[string]any {
		return map[string]any{"@context": []any{v1}, "type": "VerifiablePresentation", "holder": map[string]any{"id": "did:example:h"}}
	}, rules: rules("holder-format")},
	{name: "fail/vp-credential-string", doc: edit(vp2, func(d map[string]any) {
		d["verifiableCredential"] = []any{"eyJhbGciOiJFUzI1NiJ9.e30.c2ln"}
	}), rules: rules("presentation-credential-format")},
	{name: "fail/v1-vp-credential-number", doc: func(testing.TB) map[string]any {
		return map[string]any{"@context": []any{v1}, "type": "VerifiablePresentation", "verifiableCredential": []any{3.0}}
	}, rules: rules("presentation-credential-format")},
	{name: "fail/vp-credential-list-empty", doc: edit(vp2, func(d map[string]any) { d["verifiableCredential"] = []any{} }),
		rules: rules("presentation-credential-format")},
	{name: "fail/vp-credential-type-empty", doc: edit(vp2, func(d map[string]any) {
		arr(d, "verifiableCredential")[0].(map[string]any)["type"] = []any{}
	}), rules: rules("type-format", "type-required"), paths: []string{"verifiableCredential[0].type", "verifiableCredential[0].type"}},
	{name: "fail/vp-credential-second-bad", doc: edit(vp2, func(d map[string]any) {
		bad := vc2()
		bad["issuer"] = "fake-issuer"
		d["verifiableCredential"] = []any{vc2(), bad}
	}), rules: rules("issuer-url"), paths: []string{"verifiableCredential[1].issuer"}},
	{name: "fail/vp-enveloped-credential-without-type", doc: edit(vp2, func(d map[string]any) {
		d["verifiableCredential"] = []any{map[string]any{"@context": v2, "id": "data:application/vc+jwt,eyJhbGciOiJFUzI1NiJ9.e30.c2ln"}}
	}), rules: rules("issuer-missing", "subject-missing", "type-missing")},
	{name: "fail/vp-enveloped-credential-id-not-data-url", doc: edit(vp2, func(d map[string]any) {
		d["verifiableCredential"] = []any{map[string]any{"@context": v2, "type": "EnvelopedVerifiableCredential", "id": "https://example.edu/vc/1"}}
	}), rules: rules("enveloped-id")},
	{name: "fail/vp-context-order", doc: edit(vp2, func(d map[string]any) {
		d["@context"] = []any{map[string]any{"CredentialManagerPresentation": "https://example.org/examples#CredentialManagerPresentation"}, v2}
	}), rules: rules("context-first")},
	{name: "ok/enveloped-presentation", doc: func(testing.TB) map[string]any {
		return map[string]any{"@context": v2, "type": "EnvelopedVerifiablePresentation", "id": "data:application/vp+jwt,eyJhbGciOiJFUzI1NiJ9.e30.c2ln"}
	}},
	{name: "fail/unknown-type-with-subject-checked-as-credential", doc: func(testing.TB) map[string]any {
		return map[string]any{"@context": []any{v1, "https://www.w3.org/2018/credentials/examples/v1"}, "type": []any{"VerifiablePreso"},
			"credentialSubject": map[string]any{"id": "did:example:s"}, "verifiableCredential": []any{map[string]any{}}}
	}, rules: rules("issuance-date-missing", "issuer-missing", "type-required")},
}

var obCases = []ruleCase{
	{name: "ok/ob", doc: obCred},
	{name: "ok/ob-openbadgecredential", doc: editT(obCred, func(d map[string]any) {
		d["type"] = []any{"VerifiableCredential", "OpenBadgeCredential"}
	})},
	{name: "ok/ob-context-3.0.2", doc: editT(obCred, func(d map[string]any) {
		d["@context"] = []any{v2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"}
	})},
	{name: "ok/ob-v1-envelope", doc: editT(obCred, func(d map[string]any) {
		d["@context"] = []any{v1, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"}
		d["issuanceDate"] = d["validFrom"]
		delete(d, "validFrom")
		obj(d, "issuer")["name"] = "eTranscript California"
	})},
	{name: "ok/ob-issuer-url", doc: editT(obCred, func(d map[string]any) { d["issuer"] = "did:web:transcripts.example.edu" })},
	{name: "ok/ob-subject-identified-by-identity-object", doc: editT(obCred, func(d map[string]any) {
		s := obj(d, "credentialSubject")
		delete(s, "id")
		s["identifier"] = map[string]any{"type": "IdentityObject", "hashed": false, "identityHash": "Jane Doe", "identityType": "name"}
	})},
	{name: "ok/ob-images", doc: editT(obCred, func(d map[string]any) {
		obj(d, "issuer")["image"] = "https://example.edu/logo.png"
		obj(d, "credentialSubject", "achievement")["image"] = map[string]any{"id": "https://example.edu/badge.png", "type": "Image"}
	})},
	{name: "ok/ob-achievement-type-outside-vocabulary", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject", "achievement")["achievementType"] = "Program"
	})},
	{name: "fail/ob-context-missing", doc: editT(obCred, func(d map[string]any) { d["@context"] = []any{v2} }),
		rules: rules("ob-context", "type-undefined")},
	{name: "fail/ob-id-missing", doc: editT(obCred, func(d map[string]any) { delete(d, "id") }),
		rules: rules("ob-id")},
	{name: "fail/ob-valid-from-missing", doc: editT(obCred, func(d map[string]any) { delete(d, "validFrom") }),
		rules: rules("ob-valid-from")},
	{name: "fail/ob-credential-type", doc: editT(obCred, func(d map[string]any) {
		d["type"] = []any{"VerifiableCredential", "OtherCredential"}
	}), rules: rules("ob-credential-type")},
	{name: "fail/ob-issuer-not-profile", doc: editT(obCred, func(d map[string]any) { obj(d, "issuer")["type"] = []any{"InvalidProfile"} }),
		rules: rules("ob-profile-type"), paths: []string{"issuer.type"}},
	{name: "fail/ob-issuer-without-id", doc: editT(obCred, func(d map[string]any) { delete(obj(d, "issuer"), "id") }),
		rules: rules("issuer-url", "ob-profile-id")},
	{name: "fail/ob-parent-org-not-profile", doc: editT(obCred, func(d map[string]any) {
		obj(d, "issuer")["parentOrg"] = map[string]any{"id": "https://example.com/issuers/1", "type": []any{"InvalidProfile"}}
	}), rules: rules("ob-profile-type"), paths: []string{"issuer.parentOrg.type"}},
	{name: "fail/ob-issuer-other-identifier", doc: editT(obCred, func(d map[string]any) {
		obj(d, "issuer")["otherIdentifier"] = []any{
			map[string]any{"type": "IdentifierEntry", "identifier": "12345", "identifierType": "sourcedId"},
			map[string]any{"type": "InvalidIdentifierEntry", "identifier": "67890", "identifierType": "nationalIdentityNumber"}}
	}), rules: rules("ob-identifier-entry"), paths: []string{"issuer.otherIdentifier[1].type"}},
	{name: "fail/ob-identifier-entry-incomplete", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject", "achievement")["otherIdentifier"] = map[string]any{"type": "IdentifierEntry", "identifier": "x"}
	}), rules: rules("ob-identifier-entry")},
	{name: "fail/ob-address", doc: editT(obCred, func(d map[string]any) { obj(d, "issuer")["address"] = "1 Main St" }),
		rules: rules("ob-address")},
	{name: "fail/ob-issuer-image", doc: editT(obCred, func(d map[string]any) { obj(d, "issuer")["image"] = map[string]any{"id": "https://e.edu/i.png"} }),
		rules: rules("ob-image")},
	{name: "fail/ob-subject-list", doc: editT(obCred, func(d map[string]any) { d["credentialSubject"] = []any{d["credentialSubject"]} }),
		rules: rules("ob-subject-format")},
	{name: "fail/ob-subject-type", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject")["type"] = []any{"InvalidAchievementSubject"}
	}), rules: rules("ob-subject-type")},
	{name: "fail/ob-identity-object-type", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject")["identifier"] = []any{map[string]any{"type": "InvalidIdentityObject", "hashed": true,
			"identityHash": "asdjhsadas", "identityType": "lisSourcedId"}}
	}), rules: rules("ob-identity-object"), paths: []string{"credentialSubject.identifier[0].type"}},
	{name: "fail/ob-identity-object-incomplete", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject")["identifier"] = map[string]any{"type": "IdentityObject", "hashed": "no", "identityType": "name"}
	}), rules: rules("ob-identity-object", "ob-identity-object")},
	{name: "fail/ob-source-not-profile", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject")["source"] = map[string]any{"id": "https://school.edu/issuers/201234", "type": "InvalidProfile"}
	}), rules: rules("ob-profile-type")},
	{name: "fail/ob-result-type", doc: editT(obCred, func(d map[string]any) {
		arr(obj(d, "credentialSubject"), "result")[0].(map[string]any)["type"] = []any{"InvalidResult"}
	}), rules: rules("ob-result"), paths: []string{"credentialSubject.result[0].type"}},
	{name: "fail/ob-result-status", doc: editT(obCred, func(d map[string]any) {
		arr(obj(d, "credentialSubject"), "result")[0].(map[string]any)["status"] = "Passed"
	}), rules: rules("ob-result"), paths: []string{"credentialSubject.result[0].status"}},
	{name: "fail/ob-result-alignment-without-url", doc: editT(obCred, func(d map[string]any) {
		r := arr(obj(d, "credentialSubject"), "result")[0].(map[string]any)
		delete(arr(r, "alignment")[0].(map[string]any), "targetUrl")
	}), rules: rules("ob-alignment"), paths: []string{"credentialSubject.result[0].alignment[0].targetUrl"}},
	{name: "fail/ob-credits-earned-string", doc: editT(obCred, func(d map[string]any) { obj(d, "credentialSubject")["creditsEarned"] = "3" }),
		rules: rules("ob-number")},
	{name: "fail/ob-activity-date", doc: editT(obCred, func(d map[string]any) { obj(d, "credentialSubject")["activityEndDate"] = "yesterday" }),
		rules: rules("ob-date-format")},
	{name: "fail/ob-evidence-type", doc: editT(obCred, func(d map[string]any) {
		d["evidence"] = []any{map[string]any{"type": "Evidence"}, map[string]any{"id": "https://github.com/somebody/project", "type": "InvalidEvidence"}}
	}), rules: rules("ob-evidence-type"), paths: []string{"evidence[1].type"}},
	{name: "fail/ob-achievement-missing", doc: editT(obCred, func(d map[string]any) { delete(obj(d, "credentialSubject"), "achievement") }),
		rules: rules("ob-achievement-missing")},
	{name: "fail/ob-achievement-string", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject")["achievement"] = "https://transcripts.example.edu/achievements/1"
	}), rules: rules("ob-achievement-format")},
	{name: "fail/ob-achievement-id-missing", doc: editT(obCred, func(d map[string]any) { delete(obj(d, "credentialSubject", "achievement"), "id") }),
		rules: rules("ob-achievement-id")},
	{name: "fail/ob-achievement-id-not-uri", doc: editT(obCred, func(d map[string]any) { obj(d, "credentialSubject", "achievement")["id"] = "AR-0801" }),
		rules: rules("ob-achievement-id")},
	{name: "fail/ob-achievement-type", doc: editT(obCred, func(d map[string]any) { obj(d, "credentialSubject", "achievement")["type"] = "Badge" }),
		rules: rules("ob-achievement-type")},
	{name: "fail/ob-achievement-name", doc: editT(obCred, func(d map[string]any) { delete(obj(d, "credentialSubject", "achievement"), "name") }),
		rules: rules("ob-achievement-name"), paths: []string{"credentialSubject.achievement.name"}},
	{name: "fail/ob-achievement-description", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject", "achievement")["description"] = ""
	}), rules: rules("ob-achievement-description")},
	{name: "fail/ob-achievement-criteria-missing", doc: editT(obCred, func(d map[string]any) {
		delete(obj(d, "credentialSubject", "achievement"), "criteria")
	}), rules: rules("ob-achievement-criteria")},
	{name: "fail/ob-achievement-criteria-empty", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject", "achievement")["criteria"] = map[string]any{"type": "Criteria"}
	}), rules: rules("ob-achievement-criteria")},
	{name: "fail/ob-achievement-criteria-id-not-url", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject", "achievement")["criteria"] = map[string]any{"id": "criteria page"}
	}), rules: rules("ob-achievement-criteria")},
	{name: "fail/ob-alignment-type", doc: editT(obCred, func(d map[string]any) {
		arr(obj(d, "credentialSubject", "achievement"), "alignment")[0].(map[string]any)["type"] = "Skill"
	}), rules: rules("ob-alignment")},
	{name: "fail/ob-alignment-without-name", doc: editT(obCred, func(d map[string]any) {
		delete(arr(obj(d, "credentialSubject", "achievement"), "alignment")[0].(map[string]any), "targetName")
	}), rules: rules("ob-alignment")},
	{name: "fail/ob-result-description", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject", "achievement")["resultDescription"] = []any{
			map[string]any{"id": "urn:uuid:1", "type": "ResultDescription", "name": "Grade", "resultType": "LetterGrade"},
			map[string]any{"id": "urn:uuid:2", "type": "InvalidResultDescription", "name": "Status", "resultType": "Status"},
			map[string]any{"type": "ResultDescription", "name": "Level"}}
	}), rules: rules("ob-result-description", "ob-result-description", "ob-result-description"),
		paths: []string{"credentialSubject.achievement.resultDescription[1].type",
			"credentialSubject.achievement.resultDescription[2].id", "credentialSubject.achievement.resultDescription[2].resultType"}},
	{name: "fail/ob-rubric-level", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject", "achievement")["resultDescription"] = map[string]any{
			"id": "urn:uuid:1", "type": "ResultDescription", "name": "Project", "resultType": "RubricCriterionLevel",
			"rubricCriterionLevel": []any{map[string]any{"id": "urn:uuid:3", "type": "RubricCriterionLevel"}}}
	}), rules: rules("ob-rubric-level")},
	{name: "fail/ob-related", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject", "achievement")["related"] = []any{map[string]any{"id": "https://e.edu/a/2", "type": "Achievement"}}
	}), rules: rules("ob-related")},
	{name: "fail/ob-creator-not-url", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject", "achievement")["creator"] = "Foothill College"
	}), rules: rules("ob-profile")},
	{name: "fail/ob-credits-available-string", doc: editT(obCred, func(d map[string]any) {
		obj(d, "credentialSubject", "achievement")["creditsAvailable"] = "three"
	}), rules: rules("ob-number")},
	{name: "ok/endorsement", doc: doc(`{
		"@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
		"id": "urn:uuid:e1", "type": ["VerifiableCredential", "EndorsementCredential"], "name": "Endorsement",
		"issuer": {"id": "https://state.example.gov/issuers/1", "type": ["Profile"]}, "validFrom": "2025-01-01T00:00:00Z",
		"credentialSubject": {"id": "https://transcripts.example.edu/achievements/AR-0801-0032", "type": ["EndorsementSubject"],
			"endorsementComment": "Approved equivalency."}}`)},
	{name: "fail/endorsement-subject", doc: doc(`{
		"@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
		"type": ["VerifiableCredential", "EndorsementCredential"],
		"issuer": "https://state.example.gov/issuers/1",
		"credentialSubject": {"type": ["AchievementSubject"], "endorsementComment": "x"}}`),
		rules: rules("ob-endorsement-subject", "ob-endorsement-subject")},
}

var clrCases = []ruleCase{
	{name: "ok/clr", doc: clrCred},
	{name: "ok/clr-single-credential-object", doc: editT(clrCred, func(d map[string]any) {
		s := obj(d, "credentialSubject")
		s["verifiableCredential"] = arr(s, "verifiableCredential")[0]
	})},
	{name: "fail/clr-context", doc: editT(clrCred, func(d map[string]any) { d["@context"] = []any{v2, ob} }),
		rules: rules("clr-context")},
	{name: "fail/clr-id", doc: editT(clrCred, func(d map[string]any) { delete(d, "id") }), rules: rules("clr-id")},
	{name: "fail/clr-name", doc: editT(clrCred, func(d map[string]any) { delete(d, "name") }), rules: rules("clr-name")},
	{name: "fail/clr-valid-from", doc: editT(clrCred, func(d map[string]any) { delete(d, "validFrom") }),
		rules: rules("clr-valid-from")},
	{name: "fail/clr-credential-type", doc: editT(clrCred, func(d map[string]any) { d["type"] = []any{"VerifiableCredential"} }),
		rules: rules("clr-credential-type")},
	{name: "fail/clr-subject-type", doc: editT(clrCred, func(d map[string]any) { obj(d, "credentialSubject")["type"] = "AchievementSubject" }),
		rules: rules("clr-subject-type")},
	{name: "fail/clr-subject-list", doc: editT(clrCred, func(d map[string]any) { d["credentialSubject"] = []any{d["credentialSubject"]} }),
		rules: rules("clr-subject-format")},
	{name: "fail/clr-credentials-missing", doc: editT(clrCred, func(d map[string]any) {
		delete(obj(d, "credentialSubject"), "verifiableCredential")
	}), rules: rules("clr-credentials")},
	{name: "fail/clr-credentials-empty", doc: editT(clrCred, func(d map[string]any) {
		obj(d, "credentialSubject")["verifiableCredential"] = []any{}
	}), rules: rules("clr-credentials")},
	{name: "fail/clr-credential-string", doc: editT(clrCred, func(d map[string]any) {
		obj(d, "credentialSubject")["verifiableCredential"] = []any{"eyJhbGciOiJFUzI1NiJ9.e30.c2ln"}
	}), rules: rules("clr-credential-format")},
	{name: "fail/clr-nested-credential", doc: editT(clrCred, func(d map[string]any) {
		nested := arr(obj(d, "credentialSubject"), "verifiableCredential")[0].(map[string]any)
		delete(obj(nested, "credentialSubject", "achievement"), "name")
		nested["issuer"] = "not a url"
	}), rules: rules("issuer-url", "ob-achievement-name"), paths: []string{
		"credentialSubject.verifiableCredential[0].issuer",
		"credentialSubject.verifiableCredential[0].credentialSubject.achievement.name"}},
	{name: "fail/clr-listed-achievement", doc: editT(clrCred, func(d map[string]any) {
		delete(arr(obj(d, "credentialSubject"), "achievement")[1].(map[string]any), "criteria")
	}), rules: rules("ob-achievement-criteria"), paths: []string{"credentialSubject.achievement[1].criteria"}},
	{name: "fail/clr-association", doc: editT(clrCred, func(d map[string]any) {
		obj(d, "credentialSubject")["association"] = []any{
			map[string]any{"type": "Association", "associationType": "isCousinOf", "sourceId": "urn:a", "targetId": "urn:b"},
			map[string]any{"type": "Link", "associationType": "isPartOf", "sourceId": "urn:a"}}
	}), rules: rules("clr-association", "clr-association", "clr-association"),
		paths: []string{"credentialSubject.association[0].associationType", "credentialSubject.association[1].type",
			"credentialSubject.association[1].targetId"}},
}

func TestRules(t *testing.T) {
	for _, group := range []struct {
		name  string
		cases []ruleCase
	}{
		{"envelope", envelopeCases}, {"properties", propertyCases}, {"presentation", presentationCases},
		{"ob", obCases}, {"clr", clrCases},
	} {
		t.Run(group.name, func(t *testing.T) {
			for _, tc := range group.cases {
				t.Run(tc.name, func(t *testing.T) {
					if strings.HasPrefix(tc.name, "ok/") != (len(tc.rules) == 0) {
						t.Fatalf("test case named %q expects rules %v", tc.name, tc.rules)
					}
					_, findings := model.Check(tc.doc(t))
					var got, paths []string
					for _, f := range findings {
						got = append(got, f.Rule)
						paths = append(paths, f.Path)
						if model.RuleDescription(f.Rule) == "" {
							t.Errorf("rule %q is not registered", f.Rule)
						}
						if f.Detail == "" {
							t.Errorf("finding %+v has no detail", f)
						}
					}
					want := slices.Clone(tc.rules)
					slices.Sort(got)
					slices.Sort(want)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("rules (-want +got):\n%s\nfindings:\n%s", diff, summarize(findings))
					}
					if tc.paths != nil {
						slices.Sort(paths)
						wantPaths := slices.Sorted(slices.Values(tc.paths))
						if diff := cmp.Diff(wantPaths, paths); diff != "" {
							t.Errorf("paths (-want +got):\n%s", diff)
						}
					}
				})
			}
		})
	}
}

// Every registered rule is exercised by a "fail/" case, so the table and the
// registry stay in step.
func TestRulesCovered(t *testing.T) {
	covered := map[string]bool{"max-depth": true, "max-size": true, "max-credentials": true, "max-findings": true} // TestLimits
	for _, cases := range [][]ruleCase{envelopeCases, propertyCases, presentationCases, obCases, clrCases} {
		for _, tc := range cases {
			for _, r := range tc.rules {
				covered[r] = true
			}
		}
	}
	for _, r := range model.Rules() {
		if !covered[r] && !slices.Contains(uncoveredRules, r) {
			t.Errorf("no fail/ case for rule %q (%s)", r, model.RuleDescription(r))
		}
	}
}

// uncoveredRules are registered for completeness but produced by the same
// code path as a covered sibling (the typed-object families share one
// loop).
var uncoveredRules = []string{
	"credential-schema-format", "evidence-id", "refresh-service-format", "render-method-format", "render-method-id",
	"terms-of-use-id",
}
