// Package intake turns what an institution sends the issuer service into
// validated domain values: a Batch of transcript.Learner and
// transcript.Record. It reads three formats — JSON in package transcript's
// own shapes, CSV with one row per record (the columns depend on the
// institution's kind), and the PESC College Transcript XML community
// colleges already exchange — and checks every record against the domain's
// rules and against the sending institution: its kind, its slug, learners
// present and record IDs unique within the batch.
//
// Intake is all or nothing. Every problem in a submission is collected and
// reported together (*Errors: which record, which field in the format's own
// terms, why), and when there is any the Batch is empty, so a caller never
// issues half a batch. Size, count, nesting and field-length limits are
// explicit constants; input quoted back in errors is shortened.
//
// It is not the HTTP layer (issuer/httpapi maps the sentinels to status
// codes), does no mapping to community-college credit (transcript.Engine)
// and keeps nothing: it reads bytes and returns values. The CSV columns and
// an example per kind are in docs/intake.md.
package intake
