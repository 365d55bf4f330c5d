// Package employer is the employer's web page over the verifier (`verify
// serve`): an HR screener picks a job, uploads or pastes what an applicant
// sent — or asks the applicant's wallet for it over OpenID4VP — and reads, in
// plain words, whether the records are genuine, who issued them and whether
// those issuers are recognised, and which of the job's required skills they
// prove, including credit granted by equivalency with the table row that
// granted it.
//
// It is the thin HTTP layer of the verifier: it decodes requests, calls
// [verifier.Verify] and renders the [verifier.Report]. POST /api/verify
// answers with exactly the JSON `verify --json` prints ([EncodeReport] is the
// one encoder both use).
//
// # Offline by construction
//
// Nothing an applicant sends makes the server fetch a URL. [Config] takes
// DID documents, status lists and JSON-LD contexts as caches that were loaded
// at start, never resolvers: a did:web that was not preloaded fails the
// proof check with "not in the offline cache (fetching is off)", an unknown
// status list fails the status check, an unknown context is an error.
//
// # Routes
//
//	GET  /                                 pick a job; upload or paste; ask the wallet
//	POST /verify                           form (multipart or urlencoded): the result page
//	POST /api/verify[?job=&challenge=&domain=]  body: the document; the JSON report
//	POST /oid4vp/requests                  form job=ID: a new wallet request; 303 to its page
//	GET  /oid4vp/requests/{id}             the OpenID4VP authorization request object (JSON)
//	GET  /oid4vp/requests/{id}/page        QR code and link; polls until the wallet answers
//	GET  /oid4vp/requests/{id}/qr.png      the QR code of the openid4vp:// link
//	GET  /oid4vp/requests/{id}/result      {"status": "pending"|"done"|"expired", "report": …}
//	GET  /oid4vp/requests/{id}/result-page the result page once the wallet has answered
//	POST /oid4vp/response                  the wallet's direct_post: vp_token, presentation_submission, state
//	GET  /healthz                          "ok"
//
// # OpenID4VP (the verifier's side)
//
// The page's button makes a request (POST /oid4vp/requests, form job=ID;
// no job asks for any credential) and shows, as a QR code and a link,
//
//	openid4vp://authorize?client_id=<RESPONSE_URI, url-encoded>&request_uri=<BASE/oid4vp/requests/ID, url-encoded>
//
// where BASE is Config.BaseURL and RESPONSE_URI is BASE/oid4vp/response.
// The wallet fetches the request object (GET request_uri; 200
// application/json while the request is open, 404 for an unknown id, 410
// once it has expired or been answered) — unsigned, as client_id_scheme
// redirect_uri requires:
//
//	{"response_type": "vp_token", "response_mode": "direct_post",
//	 "client_id": RESPONSE_URI, "client_id_scheme": "redirect_uri", "response_uri": RESPONSE_URI,
//	 "nonce": N, "state": S,
//	 "presentation_definition": <the job's Presentation Exchange definition>,
//	 "client_metadata": {"client_name": "…", "vp_formats": {
//	     "ldp_vp": {"proof_type": ["DataIntegrityProof", "Ed25519Signature2020"]},
//	     "jwt_vp_json": {"alg": ["EdDSA", "ES256"]}}}}
//
// The id, N and S are 128 random bits each, base64url without padding. The
// wallet answers with POST RESPONSE_URI, application/x-www-form-urlencoded:
// vp_token (a JSON-LD presentation whose holder proof has challenge N and
// domain RESPONSE_URI; or a VC-JOSE / VC-JWT presentation with nonce N and
// aud RESPONSE_URI; either may come as a JSON string or a list of one),
// presentation_submission (a JSON object whose definition_id is the
// definition's id) and state S. The presentation is verified with the
// job's requirements and the report kept with the request; the answer is
//
//	200 {"redirect_uri": "BASE/oid4vp/requests/ID/result-page"}
//	400 {"error": "invalid_request", "error_description": "…"}
//
// the 400 for a missing, unknown, expired or already answered state, or a
// malformed response (413 above the body limit). A presentation that does
// not verify — a wrong nonce, a changed record — is still an answer: 200,
// and the report says why. A response that cannot be read at all does not
// use the request up; the wallet may answer again.
//
// # Limits
//
// A request body is at most Config.MaxBodyBytes (default
// [DefaultMaxBodyBytes], 8 MiB): more is 413. The document itself is held to
// the verifier's limits (a JSON or JWT document of at most
// [verifier.DefaultMaxBytes] unless Config.MaxDocumentBytes says otherwise;
// a baked PNG or SVG badge may be as large as the body): more is 413 too.
// At most Config.MaxConcurrent verifications run at once; others wait.
//
// Wallet requests live in memory only, and are lost when the server stops. A
// request must be answered within Config.RequestTTL (default 10 minutes) and
// is answered once: a second answer is refused and does not replace the
// first. At most Config.MaxRequests requests (default 1,000) are kept; when
// a new one would pass the cap, the oldest request that is no longer open
// (answered or expired) is dropped, and when every kept request is still
// open the new one is refused (503) until one is answered or expires. A
// request is forgotten in any case an hour after it was made.
//
// It is not for issuing, for storing applications (nothing is written to
// disk), or for deciding who is qualified: it shows what the credentials
// prove, and people decide.
package employer
