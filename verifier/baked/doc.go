// Package baked reads and writes Open Badges 3.0 "baked" images: a
// credential carried inside a PNG or SVG badge picture (OB 3.0 §5.3).
//
// Extract takes the credential out of an image (for the verifier and for the
// wallet's import); BakePNG and BakeSVG put one in (for the issuer and the
// wallet's export). The credential is opaque text here: a JSON-LD credential
// (a JSON object) or a VC-JWT (a compact JWS). Extract checks only its
// shape; whether it is genuine is the verifier's business, and a tampered
// picture is only caught here when the container itself is damaged (a bad
// PNG chunk CRC, broken XML).
//
// Images come from strangers, so every read is bounded: the whole image
// (MaxImageBytes), the credential (MaxCredentialBytes, also after zlib
// decompression) and SVG element nesting (MaxSVGDepth). XML is read with a
// strict encoding/xml decoder that knows only the five predefined entities
// and refuses entity declarations. Every error wraps one of ErrNotImage,
// ErrNotBaked, ErrMalformed or ErrTooLarge.
//
// It does not decode or render pixels, verify signatures, or read Open
// Badges 2.0 baked assertions (those are reported as not baked).
package baked
