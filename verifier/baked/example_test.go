package baked_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"log"

	"github.com/satchel-wallet/satchel/verifier/baked"
)

func ExampleExtract() {
	// An issuer bakes a credential into its badge picture...
	var pic bytes.Buffer
	if err := png.Encode(&pic, image.NewGray(image.Rect(0, 0, 16, 16))); err != nil {
		log.Fatal(err)
	}
	cred := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","OpenBadgeCredential"]}`)
	badge, err := baked.BakePNG(pic.Bytes(), cred)
	if err != nil {
		log.Fatal(err)
	}

	// ...and a wallet or verifier takes it out again.
	got, img, err := baked.Extract(badge)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img, img.MediaType())
	fmt.Println(string(got))

	// A plain picture, or no picture at all, says so.
	_, _, err = baked.Extract(pic.Bytes())
	fmt.Println(errors.Is(err, baked.ErrNotBaked))
	_, _, err = baked.Extract(cred)
	fmt.Println(errors.Is(err, baked.ErrNotImage))
	// Output:
	// PNG image/png
	// {"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","OpenBadgeCredential"]}
	// true
	// true
}

func ExampleBakeSVG() {
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>`)
	vcJWT := []byte("eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCJ9.eyJpc3MiOiJkaWQ6d2ViOmNvbGxlZ2UuZXhhbXBsZSIsIm5hbWUiOiJQSExFQiAxMDAifQ.c2lnbmF0dXJl")
	badge, err := baked.BakeSVG(svg, vcJWT)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(badge))
	// Output:
	// <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCJ9.eyJpc3MiOiJkaWQ6d2ViOmNvbGxlZ2UuZXhhbXBsZSIsIm5hbWUiOiJQSExFQiAxMDAifQ.c2lnbmF0dXJl"></openbadges:credential><circle r="4"/></svg>
}
