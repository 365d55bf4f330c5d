package baked

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// vectors is the shared, read-only test data, outside the module.
const vectors = "../../../shared/vectors"

func skipWithoutVectors(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("test vectors not found at %s (the shared test data lives beside the module, at /work/shared/vectors)", dir)
	}
}

// credentialTypes returns the type list of a credential, from JSON or from
// a VC-JWT's payload (top level for VCDM 2.0, under "vc" for 1.1); v1 says
// which.
func credentialTypes(t *testing.T, cred []byte, jws bool) (types []string, v1 bool) {
	t.Helper()
	payload := cred
	if jws {
		seg := strings.Split(string(cred), ".")[1]
		var err error
		if payload, err = base64.RawURLEncoding.DecodeString(seg); err != nil {
			t.Fatalf("JWS payload: %v", err)
		}
	}
	var doc struct {
		Type []string `json:"type"`
		VC   *struct {
			Type []string `json:"type"`
		} `json:"vc"`
	}
	if err := json.Unmarshal(payload, &doc); err != nil {
		t.Fatalf("credential does not parse: %v", err)
	}
	if doc.VC != nil {
		return doc.VC.Type, true
	}
	return doc.Type, false
}

// TestValidatorFixtures extracts the baked badges of 1EdTech's validator
// and checks them against what its manifest says they carry.
func TestValidatorFixtures(t *testing.T) {
	dir := filepath.Join(vectors, "1edtech-validator-fixtures")
	skipWithoutVectors(t, dir)
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest []struct {
		File, Expect, Reason string
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	seen := 0
	for _, e := range manifest {
		ext := filepath.Ext(e.File)
		if ext != ".svg" && ext != ".png" {
			continue
		}
		seen++
		t.Run(e.File, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, e.File))
			if err != nil {
				t.Fatal(err)
			}
			cred, img, err := Extract(data)
			if err != nil {
				t.Fatalf("Extract: %v (manifest: %s, %q)", err, e.Expect, e.Reason)
			}
			if want := map[string]Image{".svg": SVG, ".png": PNG}[ext]; img != want {
				t.Errorf("image = %v, want %v", img, want)
			}
			// The manifest says "embedded JSON credential" or "VC-JWT",
			// and "VCDM 1.1" for the older envelope.
			wantJWS := strings.Contains(e.Reason, "JWT")
			_, jws, err := checkCredential(cred, "credential")
			if err != nil || jws != wantJWS {
				t.Fatalf("credential: JWS = %v, err = %v; manifest says %q", jws, err, e.Reason)
			}
			types, v1 := credentialTypes(t, cred, jws)
			if !slices.Contains(types, "OpenBadgeCredential") {
				t.Errorf("credential types %q lack OpenBadgeCredential", types)
			}
			if wantV1 := strings.Contains(e.Reason, "VCDM 1.1"); v1 != wantV1 {
				t.Errorf("VCDM 1.1 vc claim = %v, manifest says %q", v1, e.Reason)
			}

			// Baking the same credential back changes nothing but
			// whitespace inside the credential element.
			again, err := BakeSVG(data, cred)
			if err != nil {
				t.Fatalf("BakeSVG: %v", err)
			}
			if got, _, err := Extract(again); err != nil || !bytes.Equal(got, cred) {
				t.Errorf("re-baked badge reads back %.40q, %v", got, err)
			}
			if n, m := bytes.Count(data, []byte("<path")), bytes.Count(again, []byte("<path")); n != m {
				t.Errorf("re-baking lost picture: %d paths, then %d", n, m)
			}
			// And a PNG carries it as well.
			p, err := BakePNG(plainPNG(), cred)
			if err != nil {
				t.Fatalf("BakePNG: %v", err)
			}
			if got, _, err := Extract(p); err != nil || !bytes.Equal(got, cred) {
				t.Errorf("PNG reads back %.40q, %v", got, err)
			}
		})
	}
	if seen == 0 {
		t.Error("the manifest lists no baked images")
	}
}

// TestVectorImages extracts every PNG and SVG in the shared test data: all
// the ones there are baked badges expected to be valid.
func TestVectorImages(t *testing.T) {
	skipWithoutVectors(t, vectors)
	var files []string
	err := filepath.WalkDir(vectors, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := strings.ToLower(filepath.Ext(path)); !d.IsDir() && (ext == ".png" || ext == ".svg") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no PNG or SVG files in the test vectors")
	}
	for _, path := range files {
		rel, _ := filepath.Rel(vectors, path)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := Extract(data); err != nil {
				t.Errorf("Extract: %v", err)
			}
		})
	}
}

// vectorImages returns the shared test data's baked images, for fuzz seeds;
// none when it is absent.
func vectorImages(tb testing.TB) [][]byte {
	var out [][]byte
	filepath.WalkDir(vectors, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if ext := strings.ToLower(filepath.Ext(path)); !d.IsDir() && (ext == ".png" || ext == ".svg") {
			if data, err := os.ReadFile(path); err == nil {
				out = append(out, data)
			}
		}
		return nil
	})
	if len(out) == 0 {
		tb.Logf("no test vectors at %s; fuzzing from generated seeds only", vectors)
	}
	return out
}
