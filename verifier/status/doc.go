// Package status reads and writes credential status lists: the W3C
// Bitstring Status List v1.0 (BitstringStatusListEntry,
// BitstringStatusListCredential) and the older StatusList2021
// (StatusList2021Entry, StatusList2021Credential), which it reads.
//
// The issuer uses it to publish lists: [NewBitstring], [Set], [EncodeList]
// and [ListSubject] build the credentialSubject of a status list credential.
// The verifier uses it to check a credential's status: [Entries] reads the
// credential's credentialStatus, [ParseListCredential] decodes a status list
// credential the caller already holds, and [Check] says what the entry's bit
// (or value, for statusSize > 1) means at a given time. A [Source] such as
// [Cache] hands out status list credentials by URL from what was preloaded
// or fetched earlier.
//
// It is not for fetching lists over the network, and it does not verify the
// status list credential's proof: the caller must verify that proof (with
// the same code that verifies any credential) before trusting what
// [ParseListCredential] returns. Everything it is not sure of is an error or
// a note, never a silent pass: an unsupported status type or purpose is an
// [*UnsupportedError], a list missing from the cache is [ErrNotFound], an
// expired list is [ErrExpired].
//
// Decoding is bounded: the credential is at most [MaxCredentialBytes], the
// compressed list at most [MaxCompressedBytes] and the expanded list at most
// [MaxListBytes], so a GZIP bomb costs a bounded amount of memory.
package status
