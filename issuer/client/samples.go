package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"

	"github.com/satchel-wallet/satchel/issuer"
	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
)

// SampleTables says which institution loads which of the sample
// equivalency tables (by file in transcript/samples/data/tables).
var SampleTables = map[string][]string{
	"sierra-vista":  {"college-articulation.json"},
	"harbor-adult":  {"adult-school-bridge.json"},
	"gs-electrical": {"gs-electrical-cpl.csv"},
	"jst":           {"military-cpl-2024.1.csv", "military-cpl-2025.1.csv"},
}

// CreateSamples creates the four sample institutions (one of each kind)
// with the administrator's client and uploads their equivalency tables. It
// returns each institution's API token by slug. format is "di" or "jwt"
// for every institution ("" for di).
func (c *Client) CreateSamples(ctx context.Context, format string) (map[string]string, error) {
	set, err := samples.Load()
	if err != nil {
		return nil, err
	}
	raw, err := fs.ReadFile(samples.FS(), "tables/index.json")
	if err != nil {
		return nil, err
	}
	var index transcript.TableIndex
	if err := json.Unmarshal(raw, &index); err != nil {
		return nil, fmt.Errorf("sample table index: %w", err)
	}
	headers := map[string]transcript.TableInfo{}
	for _, e := range index.Tables {
		headers[e.File] = e.TableInfo
	}
	tokens := map[string]string{}
	for _, in := range set.Institutions {
		n := issuer.NewInstitution{Institution: in, Format: format}
		n.ID = ""
		if format == issuer.FormatJWT {
			n.KeyType = issuer.KeyP256
		}
		_, token, err := c.CreateInstitution(ctx, n)
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", in.Slug, err)
		}
		tokens[in.Slug] = token
		inst := &Client{BaseURL: c.BaseURL, Token: token, HTTP: c.HTTP}
		for _, file := range SampleTables[in.Slug] {
			body, err := fs.ReadFile(samples.FS(), "tables/"+file)
			if err != nil {
				return nil, err
			}
			if info, ok := headers[file]; ok && info.ID != "" {
				_, err = inst.UploadTableCSV(ctx, in.Slug, info, body)
			} else {
				_, err = inst.UploadTableJSON(ctx, in.Slug, body)
			}
			if err != nil {
				return nil, fmt.Errorf("upload %s for %s: %w", file, in.Slug, err)
			}
		}
	}
	return tokens, nil
}
