// Package wallet is the learner's offline store of verifiable credentials:
// import and verification on arrival, search, portfolios, presentations
// signed with the holder's key, encrypted backup, and a queue of actions that
// wait for the network.
//
// It is everything the wallet app does except drawing it; the app and the
// wallet command are thin shells over it. It does not issue credentials.
//
// Store is where the wallet keeps its data: credentials with the bytes they
// arrived as and what the wallet knows of them (Entry), portfolios, cached
// DID documents and status lists, sealed holder keys, the sync queue and
// settings. wallet/sqlitestore implements it in one SQLite file;
// wallet/storetest is the conformance suite.
//
// Keyring creates the holder's Ed25519 did:key, seals the private key under
// the learner's passphrase (Argon2id, XChaCha20-Poly1305) and unlocks it as
// a proof.Signer, so that presentations are signed without the caller ever
// holding the key — and a phone keystore can take its place.
//
// The network is used only when the learner asks, always through
// NetOptions (https only; plain http to this machine only with
// LoopbackHTTP, for the local demo): RedeemOffer receives the credentials
// of an OpenID4VCI pre-authorised code offer (ParseOffer reads the QR code
// or link) with the DID documents and status lists that verifying them
// offline needs; FetchRequest, Match and Respond answer an employer's
// OpenID4VP request (ParseRequest reads its link) with a presentation of
// the credentials the learner chooses, SD-JWT claims disclosed one by one;
// Refresh fetches the cached documents again and verifies every credential
// again. What fails for want of a network waits in the sync queue, which
// RunQueue runs in order, each action exactly once.
package wallet
