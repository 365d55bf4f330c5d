package model

import (
	"maps"
	"slices"
)

// rules describes every rule Check reports, by name.
var rules = map[string]string{
	"max-depth":       "the document nests deeper than MaxDepth",
	"max-size":        "the document holds more than MaxValues values",
	"max-credentials": "more than MaxCredentials embedded credentials",
	"max-findings":    "more than MaxFindings findings; the rest were dropped",

	"context-missing":      "@context is required",
	"context-format":       "@context is a URL or a list of URLs and objects",
	"context-first":        "the first @context item is the base context of the VC version",
	"context-base":         "@context includes a VC base context",
	"context-mixed":        "@context does not mix the VC 1.1 and 2.0 base contexts",
	"context-url":          "@context strings are URLs",
	"context-term":         "embedded context terms map to IRIs",
	"context-redefinition": "embedded contexts do not redefine protected terms",

	"type-missing":   "type is required",
	"type-format":    "type is one or more terms or URLs",
	"type-required":  "type includes VerifiableCredential / VerifiablePresentation (or the envelope type)",
	"type-undefined": "each type is a URL or a term some context defines",
	"id-url":         "id, when present, is a single URL",

	"issuer-missing": "a credential has an issuer",
	"issuer-url":     "the issuer is a URL, or an object whose id is a URL",
	"issuer-format":  "the issuer is a string or an object",

	"subject-missing": "a credential has a credentialSubject",
	"subject-format":  "credentialSubject is one or more objects",
	"subject-empty":   "each credential subject makes at least one claim",
	"subject-id-url":  "a credential subject's id, when present, is a single URL",

	"valid-from-format":      "validFrom is a date-time stamp with a time zone",
	"valid-until-format":     "validUntil is a date-time stamp with a time zone",
	"valid-period":           "validUntil is not before validFrom (VC 2.0)",
	"issuance-date-missing":  "a VC 1.1 credential has an issuanceDate",
	"issuance-date-format":   "issuanceDate is an RFC 3339 date-time",
	"expiration-date-format": "expirationDate is an RFC 3339 date-time",

	"name-format":        "name is a string or language value objects (VC 2.0)",
	"description-format": "description is a string or language value objects (VC 2.0)",

	"related-resource-format":    "relatedResource is one or more objects",
	"related-resource-id":        "a related resource has a URL id",
	"related-resource-digest":    "a related resource has digestSRI or digestMultibase",
	"related-resource-duplicate": "related resource ids are unique",

	"holder-url":                     "the holder is a URL, or an object whose id is a URL",
	"holder-format":                  "the holder is a URL (VC 1.1) or a URL or object (VC 2.0)",
	"presentation-credential-format": "a presentation's verifiableCredential entries are objects (VC 1.1 also allows JWTs)",
	"enveloped-id":                   "an enveloped credential or presentation's id is a data: URL",

	"ob-context":                 "an OB 3.0 credential includes the OB 3.0 context",
	"ob-id":                      "an OB 3.0 AchievementCredential has an id",
	"ob-valid-from":              "an OB 3.0 AchievementCredential on VC 2.0 has validFrom",
	"ob-credential-type":         "a credential whose subject is an AchievementSubject is typed AchievementCredential or OpenBadgeCredential",
	"ob-subject-format":          "an AchievementCredential has one credentialSubject object",
	"ob-subject-type":            "the subject's type includes AchievementSubject",
	"ob-achievement-missing":     "an AchievementSubject has an achievement",
	"ob-achievement-format":      "an achievement is an object",
	"ob-achievement-id":          "an achievement has a URI id",
	"ob-achievement-type":        "an achievement's type includes Achievement",
	"ob-achievement-name":        "an achievement has a name",
	"ob-achievement-description": "an achievement has a description",
	"ob-achievement-criteria":    "an achievement has criteria with an id or a narrative",
	"ob-alignment":               "an alignment is typed Alignment and has a targetName and a targetUrl",
	"ob-result":                  "a result is an object typed Result, with a status from ResultStatusType",
	"ob-result-description":      "a result description is typed ResultDescription and has an id, name and resultType",
	"ob-rubric-level":            "a rubric criterion level is typed RubricCriterionLevel and has an id and name",
	"ob-related":                 "a related entry is typed Related and has a URI id",
	"ob-identity-object":         "an identifier is an IdentityObject with hashed, identityHash and identityType",
	"ob-identifier-entry":        "an otherIdentifier entry is an IdentifierEntry with identifier and identifierType",
	"ob-profile":                 "a profile is an object or a URL",
	"ob-profile-id":              "a Profile has a URI id",
	"ob-profile-type":            "a Profile's type includes Profile",
	"ob-address":                 "an address is typed Address",
	"ob-image":                   "an image is a URI or an Image object with a URI id",
	"ob-evidence-type":           "OB 3.0 evidence is typed Evidence",
	"ob-number":                  "creditsAvailable and creditsEarned are numbers",
	"ob-date-format":             "OB 3.0 date-times (awardedDate, activityStartDate, activityEndDate) are RFC 3339",
	"ob-endorsement-subject":     "an EndorsementCredential has one EndorsementSubject with an id",

	"clr-context":           "a ClrCredential includes the CLR 2.0 context",
	"clr-id":                "a ClrCredential has an id",
	"clr-name":              "a ClrCredential has a name",
	"clr-valid-from":        "a ClrCredential on VC 2.0 has validFrom",
	"clr-credential-type":   "a credential whose subject is a ClrSubject is typed ClrCredential",
	"clr-subject-format":    "a ClrCredential has one credentialSubject object",
	"clr-subject-type":      "the subject's type includes ClrSubject",
	"clr-credentials":       "a ClrSubject bundles at least one verifiable credential",
	"clr-credential-format": "a CLR's bundled credentials are objects",
	"clr-association":       "an association is typed Association, with a known associationType, a sourceId and a targetId",
}

func init() {
	for _, f := range families {
		rules[f.rule+"-format"] = f.key + " is one or more objects"
		rules[f.rule+"-type"] = f.key + " objects have a type"
		rules[f.rule+"-id"] = f.key + " ids are URLs (and required where the VC version says so)"
	}
}

// RuleDescription says in a phrase what rule requires; "" for an unknown
// rule.
func RuleDescription(rule string) string {
	return rules[rule]
}

// Rules lists the names of every rule Check can report, sorted.
func Rules() []string {
	return slices.Sorted(maps.Keys(rules))
}
