// Package issuer is the institutions' side of Satchel, a stand-in for a
// rebuilt eTranscript California: it takes learner records from colleges,
// adult schools, apprenticeship sponsors and the military transcript office,
// maps them to community-college credit with the institution's equivalency
// tables (package transcript), and signs them as Open Badges 3.0 and CLR 2.0
// credentials, with status lists for revocation and OpenID4VCI offers.
//
// It does not hold learners' wallets and does not decide equivalencies in
// code: tables are data the institutions load.
package issuer
