package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/jose"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

// maxDocument bounds what sign reads.
const maxDocument = 4 << 20

// runSign signs a credential offline (DESIGN.md: issuer sign --key KEY.jwk
// [--did DID] [--format di|jwt] FILE|-) and prints the signed document.
func runSign(args []string, stdin io.Reader, stdout, stderr io.Writer, now time.Time) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyFile := fs.String("key", "", "private JWK `FILE` (OKP Ed25519 or EC P-256)")
	didFlag := fs.String("did", "", "the issuer's DID or DID URL of the key (default: the key's did:key)")
	format := fs.String("format", "di", "di (Data Integrity eddsa-rdfc-2022, Ed25519 keys) or jwt (VC-JOSE vc+jwt: EdDSA or ES256)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *keyFile == "" || fs.NArg() != 1 {
		return fmt.Errorf("%w: sign --key KEY.jwk [--did DID] [--format di|jwt] FILE|-", errUsage)
	}
	if *format != "di" && *format != "jwt" {
		return fmt.Errorf("%w: --format %q: want di or jwt", errUsage, *format)
	}
	key, err := readPrivateJWK(*keyFile)
	if err != nil {
		return fmt.Errorf("%w: --key: %v", errUsage, err)
	}
	vm, err := verificationMethod(*didFlag, key.Public())
	if err != nil {
		return fmt.Errorf("%w: --did: %v", errUsage, err)
	}
	raw, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%w: %s is not a JSON object: %v", errUsage, fs.Arg(0), err)
	}
	// A verifier requires the issuer to control the signing key: refuse to
	// make a credential that cannot verify.
	signer, _, _ := strings.Cut(vm, "#")
	if iss := issuerOf(doc); iss != signer {
		return fmt.Errorf("%w: the document's issuer %q is not %s, whose key signs: set --did or the issuer", errUsage, iss, signer)
	}
	switch *format {
	case "jwt":
		token, err := jose.Sign(doc, key, vm, jose.SignOptions{})
		if err != nil {
			return fmt.Errorf("sign: %w", err)
		}
		_, err = fmt.Fprintln(stdout, token)
		return err
	default:
		if _, ok := key.(ed25519.PrivateKey); !ok {
			return fmt.Errorf("%w: Data Integrity (eddsa-rdfc-2022) needs an Ed25519 key; use --format jwt for P-256", errUsage)
		}
		signed, err := proof.Sign(context.Background(), doc, proof.NewSigner(key, vm), proof.Options{Created: now})
		if err != nil {
			return fmt.Errorf("sign: %w", err)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(signed)
	}
}

// verificationMethod names the key: a DID URL as given; a did:key or
// did:jwk by its single key; any other DID by "#key-1", the name Satchel's
// issuer gives an institution's first key.
func verificationMethod(given string, pub crypto.PublicKey) (string, error) {
	switch {
	case given == "":
		d, err := did.KeyDID(pub)
		if err != nil {
			return "", err
		}
		return d + "#" + strings.TrimPrefix(d, "did:key:"), nil
	case !strings.HasPrefix(given, "did:"):
		return "", fmt.Errorf("%q is not a DID", given)
	case strings.Contains(given, "#"):
		return given, nil
	case strings.HasPrefix(given, "did:key:"):
		return given + "#" + strings.TrimPrefix(given, "did:key:"), nil
	case strings.HasPrefix(given, "did:jwk:"):
		return given + "#0", nil
	default:
		return given + "#key-1", nil
	}
}

func readPrivateJWK(path string) (crypto.Signer, error) {
	raw, err := readFileLimited(path, 64<<10)
	if err != nil {
		return nil, err
	}
	k, err := jwk.ParseKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%s is not a JWK", path)
	}
	var rawKey any
	if err := k.Raw(&rawKey); err != nil {
		return nil, fmt.Errorf("%s: unreadable key", path)
	}
	switch key := rawKey.(type) {
	case ed25519.PrivateKey:
		return key, nil
	case *ecdsa.PrivateKey:
		if key.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%s: only P-256 EC keys are supported", path)
		}
		return key, nil
	case ed25519.PublicKey, *ecdsa.PublicKey:
		return nil, fmt.Errorf("%s holds a public key; signing needs the private JWK", path)
	}
	return nil, fmt.Errorf("%s: want an OKP Ed25519 or EC P-256 private key", path)
}

// runKeygen writes a new private JWK (an extension of the contract, for
// setting up an issuer and for the demo).
func runKeygen(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("type", "ed25519", "ed25519 or p256")
	out := fs.String("out", "", "write the private JWK to this `FILE` (mode 0600; default: standard output)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	var key any
	var err error
	switch *kind {
	case "ed25519":
		_, key, err = ed25519.GenerateKey(rand.Reader)
	case "p256":
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		return fmt.Errorf("%w: --type %q: want ed25519 or p256", errUsage, *kind)
	}
	if err != nil {
		return err
	}
	k, err := jwk.FromRaw(key)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if *out == "" {
		_, err = stdout.Write(b)
		return err
	}
	return os.WriteFile(*out, b, 0o600)
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, maxDocument+1))
		if err == nil && len(b) > maxDocument {
			err = fmt.Errorf("standard input is larger than %d bytes", maxDocument)
		}
		return b, err
	}
	return readFileLimited(name, maxDocument)
}

func readFileLimited(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, max)
	}
	return b, nil
}

// issuerOf reads a credential's issuer id (a string or an object's id).
func issuerOf(doc map[string]any) string {
	switch v := doc["issuer"].(type) {
	case string:
		return v
	case map[string]any:
		id, _ := v["id"].(string)
		return id
	}
	return ""
}

// runDIDDocument prints the DID document that publishes a key for a DID
// (what the issuer service serves at the did:web's URL; here for setting up
// a verifier offline with verify --did-document).
func runDIDDocument(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("did-document", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyFile := fs.String("key", "", "private JWK `FILE` whose public key to publish")
	didFlag := fs.String("did", "", "the DID (did:web:...)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *keyFile == "" || *didFlag == "" || fs.NArg() != 0 {
		return fmt.Errorf("%w: did-document --key KEY.jwk --did DID", errUsage)
	}
	key, err := readPrivateJWK(*keyFile)
	if err != nil {
		return fmt.Errorf("%w: --key: %v", errUsage, err)
	}
	vm, err := verificationMethod(*didFlag, key.Public())
	if err != nil {
		return fmt.Errorf("%w: --did: %v", errUsage, err)
	}
	id, _, _ := strings.Cut(vm, "#")
	mk, err := did.MultikeyEncode(key.Public())
	if err != nil {
		return err
	}
	doc := map[string]any{
		"@context":           []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
		"id":                 id,
		"verificationMethod": []any{map[string]any{"id": vm, "type": "Multikey", "controller": id, "publicKeyMultibase": mk}},
		"assertionMethod":    []string{vm},
		"authentication":     []string{vm},
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
