// Command issuer is the institutions' command line: it previews how
// equivalency tables map learner records, signs credentials offline, and
// runs the issuer service.
//
//	issuer serve [--db sqlite:PATH | --db postgres://...] [--addr 127.0.0.1:8080] [--base-url URL]
//	       [--admin-token-file FILE] [--passphrase-file FILE]
//	issuer seed|table|submit|offer|revoke|suspend|unsuspend --url URL --token-file FILE ...
//	issuer map [--learner ID] [--as-of YYYY-MM-DD] [--tables INDEX.json] [--credentials] [--json]
//	issuer sign --key KEY.jwk [--did DID] [--format di|jwt] FILE|-
//	issuer keygen [--type ed25519|p256] [--out FILE]
//	issuer did-document --key KEY.jwk --did DID
//
// Exit status: 0 done, 1 the work failed, 2 bad usage or unreadable input.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// errUsage marks errors that are the caller's: exit status 2.
var errUsage = errors.New("usage")

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: issuer COMMAND [flags]

commands:
  serve  run the issuer service (HTTP API, OpenID4VCI, status lists)

  against a running service (--url, --token-file):
  seed   create the four sample institutions with their tables
  table  upload a version of an equivalency table
  submit send a batch of records (.json, .csv, or .xml PESC transcript)
  offer  make an OpenID4VCI credential offer for a learner
  revoke, suspend, unsuspend
         change a credential's status

  offline:
  map    map learner records to community-college credit with equivalency
         tables and print the credit, the reasons, and the OB 3.0 / CLR 2.0
         credentials they become (sample data unless told otherwise)
  sign   sign a credential offline with a private JWK (Data Integrity
         eddsa-rdfc-2022, or VC-JOSE with --format jwt)
  keygen make a new private JWK for signing
  did-document
         print the DID document publishing a key for a DID

run "issuer COMMAND -h" for a command's flags
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(args[1:], stderr)
	case "seed":
		err = runSeed(args[1:], stdout, stderr)
	case "submit":
		err = runSubmit(args[1:], stdout, stderr)
	case "table":
		err = runTable(args[1:], stdout, stderr)
	case "offer":
		err = runOffer(args[1:], stdout, stderr)
	case "revoke", "suspend", "unsuspend":
		err = runStatus(args[0])(args[1:], stdout, stderr)
	case "map":
		err = runMap(args[1:], stdout, stderr)
	case "sign":
		err = runSign(args[1:], stdin, stdout, stderr, time.Now().UTC().Truncate(time.Second))
	case "keygen":
		err = runKeygen(args[1:], stdout, stderr)
	case "did-document":
		err = runDIDDocument(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	return exitCode(err, stderr)
}

// exitCode is the one place errors become exit statuses.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "issuer: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "issuer: %v\n", err)
		return 1
	}
}
