// Package wallet is the learner's offline store of verifiable credentials:
// import and verification on arrival, search, portfolios, presentations
// signed with the holder's key, encrypted backup, and a queue of actions that
// wait for the network.
//
// It is everything the wallet app does except drawing it; the app and the
// wallet command are thin shells over it. It does not issue credentials.
package wallet
