// Package requirements is a job's requirements and the matching of an
// application's credentials against them: what an HR screener who hires on
// skills uses to see which of a job's required skills an application proves,
// and what the wallet uses to see which records fit a request.
//
// A job's requirements are data, a JSON file: a DIF Presentation Exchange v2
// presentation_definition extended with Satchel's skill terms. [Parse] reads
// one strictly, [LoadDir] reads a directory of them (`verify serve --jobs
// DIR`), and [Job.Match] decides each requirement for a list of
// [Candidate] credentials the verifier has checked. A requirement is met only
// by a verified credential; the [Result] names the credential and
// achievement that met it and how — for credit by equivalency, with the
// equivalency's own explanation, which names the table and row that granted
// it — so an employer sees, for instance, Army combat medic training counted
// as the EMT course. An unverified credential that would have met it is named
// in the Detail, and meets nothing.
//
// It is not for verifying credentials (the verifier does that and says which
// ones passed), for building presentations or submissions (the wallet), or
// for judging whether an applicant is qualified: it says what the
// credentials prove, and people decide.
//
// # File format
//
//	{
//	  "id": "emt-sierra-vista-ambulance",            required; letters, digits, . _ : -
//	  "title": "Emergency Medical Technician …",     required
//	  "sector": "healthcare",                        optional (healthcare, education, climate, …)
//	  "description": "…",                            optional
//	  "presentation_definition": { … },              optional: DIF Presentation Exchange v2
//	  "requirements": [                              required unless a definition is given
//	    {
//	      "id": "emt-course",                        required, unique in the file
//	      "name": "EMT course (EMS 101 or equivalent)",  required: what the employer reads
//	      "any": [ alternative, … ],                 one or more ways to meet it
//	      "inputDescriptor": "cpr"                   and/or a PE input descriptor's id
//	    }
//	  ]
//	}
//
// A requirement is met when any of its alternatives, or its input
// descriptor, is satisfied by a verified credential. An input descriptor that
// no requirement names becomes a requirement of its own (its id, and its name
// or purpose), so a plain Presentation Exchange definition works as a job.
//
// An alternative is an object with one or more of these terms. All the terms
// it sets must hold for one achievement (an Open Badges 3.0 achievement the
// credential awards; for a CLR, one of the achievements of its nested
// credentials):
//
//	"skill": {"framework": "O*NET-SOC", "code": "29-2042.00"}
//	    an alignment of the achievement: framework (optional) and code, or a
//	    name, or a framework alone for any of its entries ("C-ID")
//	"equivalentCourse": {"college": "Sierra Vista Community College", "code": "EMS 101"}
//	    the community-college course (college optional): the achievement is
//	    that course (achievementType Course, humanCode the code, issued by the
//	    college), or a result of it aligns to the course with targetType
//	    ext:CommunityCollegeCourse (targetCode the code, targetFramework the
//	    college): credit granted by equivalency
//	"cid": "ECE 120"
//	    a C-ID descriptor: a course approved for it (an ext:CIDDescriptor
//	    alignment), credit by equivalency for a course with it (the grant's
//	    explanation names "C-ID ECE 120"), or an alignment to it
//	"achievementType": "Competency"   the achievementType (Course, Competency,
//	    CertificateOfCompletion, ext:MilitaryOccupation, …)
//	"achievement": "HAS-CNA"          the achievement's name or humanCode
//	"minHours": 160                   contact hours: a result answering an
//	    ext:ContactHours result description
//	"minCredits": 3                   the subject's creditsEarned
//	"minGrade": "C"                   where the achievement records a letter
//	    grade, at least this one (P and CR count as C); achievements without
//	    a grade (certificates, competencies, military training) are not held
//	    to it
//	"sum": true                       add minHours and/or minCredits up over
//	    every distinct achievement the other terms select, across the
//	    application (the same achievement twice — in a transcript and on its
//	    own, or a repeated course — counts once, at its best)
//
// Codes, course codes and descriptors compare without regard to case or
// spacing, names without regard to case. An achievement whose letter grade
// earns no credit (F, NP, NC, W, I, …) or whose result status is Failed,
// Withdrew, Enrolled, InProgress or OnHold meets nothing; the Detail says so.
//
// # Presentation Exchange
//
// The presentation_definition is read as DIF Presentation Exchange v2 and
// checked strictly: ids unique, every field's path present and in the
// supported JSONPath subset, every filter a JSON Schema (draft 7 unless it
// says otherwise) that refers to nothing outside itself. An input descriptor
// is satisfied by a credential (or a credential a CLR or presentation
// embeds) when every non-optional field is: one of its paths selects a value
// that the filter accepts. Where a path selects several values (a wildcard),
// each is tried, not only the first. subject_is_issuer "required" is
// enforced. format, frame, limit_disclosure, is_holder, same_subject,
// statuses and submission_requirements are accepted and checked for shape
// but not evaluated: they concern what a wallet submits and how, which the
// verifier's proof, holder and status checks cover. The v1 "schema" property
// is not accepted; nor are the ajv-formats keywords formatMinimum and
// formatMaximum, which JSON Schema validators ignore.
//
// The JSONPath subset: $, .name, ['name'], [0], [-1], ['a','b'], .*, [*],
// recursive descent (..name, ..*, ..[…]) and filters [?(@.a.b == 'x')] with
// == or != against a string, number, true, false or null, or a bare @path
// for existence. Anything else is a parse error rather than a silent
// mismatch.
//
// Why not aries-framework-go's presexch: at v0.3.2 it does not compile
// against json-gold v0.9.1, the version the module pins for RDF
// canonicalisation (it indexes ld.TermDefinition, now a struct), and its
// evaluation goes through aries' VC 1.1 credential type, which Satchel's VC
// 2.0 credentials do not fit. Fields are evaluated here instead, with the
// same semantics and santhosh-tekuri/jsonschema for filters; nothing is
// loaded or fetched.
//
// # Limits
//
// A file is at most MaxFileSize bytes and MaxDepth levels deep, with at most
// MaxRequirements requirements of MaxAlternatives alternatives,
// MaxInputDescriptors input descriptors of MaxFields fields of MaxPaths
// paths; a JSONPath is at most 512 bytes and visits at most 100,000 values
// per evaluation. Duplicate keys in an object are errors. LoadDir reads at
// most MaxJobs files.
package requirements
