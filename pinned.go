//go:build pinned

// This file is never built. It keeps chosen dependencies that no package
// imports yet pinned in go.mod through `go mod tidy`; each line goes when
// the package that needs it lands.
//
// aries-framework-go v0.3.2's presexch does not compile against json-gold
// v0.9.1 (it indexes ld.TermDefinition, a struct since json-gold v0.6), so
// verifier/requirements evaluates Presentation Exchange definitions itself;
// aries stays pinned for its SD-JWT holder package, which the wallet may use.
package main

import (
	_ "github.com/hyperledger/aries-framework-go/pkg/doc/sdjwt/holder"
)
