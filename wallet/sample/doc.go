// Package sample builds a demonstration wallet from transcript/samples: one
// learner's records of all four kinds (college, adult school,
// apprenticeship, military), mapped to community-college credit by the
// sample equivalency tables, built as Open Badges 3.0 credentials with
// transcript.BuildAchievement, signed (eddsa-rdfc-2022) by the sample
// institutions' did:web keys and imported through wallet.Import, so that
// every badge the app shows is the outcome of a real verification.
//
// The app's screenshots, its tests and anyone who wants to look around the
// app without real records use it. It is not for real wallets: the issuer
// keys are derived from the institutions' names, so anyone can sign as
// them.
package sample
