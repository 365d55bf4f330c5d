// Package model is the verifier's data model check: given a decoded JSON-LD
// credential or presentation, [Check] reports every violation of the
// normative requirements of the W3C VC Data Model 1.1 or 2.0 (chosen by the
// document's @context), and for Open Badges 3.0 AchievementCredentials,
// EndorsementCredentials and CLR 2.0 ClrCredentials, of those
// specifications. It also returns a [Summary]: issuer, subjects, validity
// period and the OB 3.0 achievements with their alignments (skills) and
// result alignments (equivalent community-college courses), which the
// verifier's report and the skills matcher read.
//
// Findings are data ([Finding]{Path, Rule, Detail}); rule names are stable
// and [RuleDescription] explains each. A credential embedded in a
// presentation or bundled in a CLR is checked as a credential in its own
// right, its findings' paths prefixed with where it sits
// ("verifiableCredential[0].issuer").
//
// It is not for JSON-LD expansion, proofs, keys, revocation, trust, or
// comparing dates with the clock: those are checked elsewhere in the
// verifier. In particular no proof-related requirement is checked here (a
// proof without a type, or no proof at all, is verifier/proof's finding),
// and it fetches nothing: it does not know what remote contexts define.
// What it can see of JSON-LD without expansion it checks: the base context
// first, context URLs, embedded context objects that map terms to non-IRIs
// or redefine protected terms, and types that no context defines when the
// base context is the only remote one.
//
// Where the sources disagree, it follows the W3C specifications for the VC
// envelope and the official 1EdTech JSON Schemas (required lists and type
// constraints) for OB 3.0 and CLR 2.0, with these deliberate differences,
// each forced by credentials that are valid in practice or by the VC
// specification:
//   - the issuer of an OB 3.0 credential may be a URL (the schema's
//     ProfileRef), not only a Profile object;
//   - the credential's name is optional (not in the schema's required list),
//     and a credential subject needs neither id nor identifier;
//   - an image may be a URI or an Image object, and achievementType (like
//     identityType and targetType, all extensible vocabularies) may be any
//     term: DCC's valid credentials use both;
//   - a VC 2.0 name or description is a string or language value objects,
//     as VC 2.0 requires, even inside OB 3.0 credentials (the generated
//     schema's language maps are not valid JSON-LD with the OB context);
//   - OB 3.0 rules apply to VC 1.1 envelopes too (older OB 3.0 credentials
//     use one), except that issuanceDate takes the place of validFrom.
//
// Work is bounded whatever the input: MaxDepth, MaxValues, MaxCredentials
// and MaxFindings are explicit limits, and going past one is a finding.
package model
