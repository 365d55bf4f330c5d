// Package app is the learner's wallet as a Fyne application for desktop,
// Android and iOS: screens, widgets and the view-models behind them.
//
// It draws and it forwards: every record, key and verification lives in
// package wallet, which app calls. There is no SQL and no cryptography here,
// and nothing imports app.
package app
