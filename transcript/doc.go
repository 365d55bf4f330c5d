// Package transcript is Satchel's domain: learners, the institutions that
// teach them, the source records of the four kinds of learning we carry
// (community college and noncredit courses, adult-school certificates,
// apprenticeship competencies, military training from a Joint Services
// Transcript), the equivalency tables that say which community-college
// courses that learning is worth, the mapping engine that applies them, skills
// and priority-sector pathways, and the builders that turn a mapped record
// into an Open Badges 3.0 AchievementCredential or a CLR 2.0 ClrCredential.
//
// It is pure Go: no files, no network, no database, no clock and no
// randomness of its own. Callers pass bytes in (tables, records), and pass
// time and identifiers in (BuildOptions). It does not sign or verify: that is
// verifier/proof, which signs exactly the documents built here.
package transcript
