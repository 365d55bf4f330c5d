//go:build pinned

// This file is never built. It keeps the chosen dependencies that no package
// imports yet pinned in go.mod through `go mod tidy`; each line goes when
// the package that needs it lands.
package main

import (
	_ "github.com/hyperledger/aries-framework-go/pkg/doc/presexch"
	_ "github.com/hyperledger/aries-framework-go/pkg/doc/sdjwt/holder"
	_ "modernc.org/sqlite"
)
