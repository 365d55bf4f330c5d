package app

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/satchel-wallet/satchel/wallet/sample"
)

func TestSettings(t *testing.T) {
	ctx := context.Background()
	a := test.NewTempApp(t)
	s, info := openSample(t)
	vm, err := LoadSettings(ctx, s, a.Preferences())
	if err != nil {
		t.Fatal(err)
	}
	if vm.TextSize != 1 || vm.LockAfter != DefaultLockAfter || len(vm.Registries) != 1 || vm.Registries[0].Name != sample.RegistryName {
		t.Errorf("settings %+v", vm)
	}
	if err := s.SetLockAfter(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, file, raw, want string
		ok                    bool
	}{
		{"ok/named", "employer.json", `{"name":"Sierra Vista Ambulance","issuers":[{"id":"did:web:bayside-first-aid.example","name":"Bayside First Aid Academy"}]}`, "Sierra Vista Ambulance", true},
		{"ok/bare-list", "bay-area-trainers.json", `[{"id":"did:web:x.example","name":"X"}]`, "bay-area-trainers", true},
		{"fail/not-json", "x.json", `issuers: everyone`, "", false},
		{"fail/no-name", "x.json", `[{"id":"did:web:x.example"}]`, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LoadRegistry(ctx, s, []byte(tc.raw), tc.file)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("LoadRegistry: %q, %v", got, err)
			}
		})
	}
	vm, err = LoadSettings(ctx, s, a.Preferences())
	if err != nil {
		t.Fatal(err)
	}
	if len(vm.Registries) != 3 || vm.LockAfter != time.Hour {
		t.Errorf("after loading: %+v", vm)
	}
	// With the employer's registry, the Bayside certificate's issuer is
	// recognised (the record still failed trust when it was imported, so it
	// reads recognised once checked again).
	if err := Recheck(ctx, s, info.Credentials[sample.Untrusted]); err != nil {
		t.Fatal(err)
	}
	d, err := LoadDetail(ctx, s, info.Credentials[sample.Untrusted])
	if err != nil || !d.TrustOK || d.Badge.Kind != BadgeVerified {
		t.Errorf("after the registry: trusted %v, badge %+v, %v", d.TrustOK, d.Badge, err)
	}
	if err := RemoveRegistry(ctx, s, "Sierra Vista Ambulance"); err != nil {
		t.Fatal(err)
	}
	if err := RemoveRegistry(ctx, s, "Sierra Vista Ambulance"); err == nil {
		t.Error("removed a registry twice")
	}
}
