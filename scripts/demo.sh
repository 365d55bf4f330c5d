#!/usr/bin/env bash
# make demo: all three roles as real processes on 127.0.0.1.
#
#   issuer service  ← four institutions send records (PESC XML, CSV, JSON)
#   learner wallet  ← receives them over OpenID4VCI, builds a portfolio
#   employer page   ← asks for the application over OpenID4VP, checks skills
#
# then the JST office revokes a credential and the employer's report
# changes. Everything started is stopped at the end (or on error); with
# DEMO_KEEP=1 the servers stay up until Ctrl-C so a person can look.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if ! command -v curl > /dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq curl > /dev/null
  else echo "demo: needs curl (apt-get install curl)" >&2; exit 2; fi
fi

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# wait_for FILE PATTERN: wait until a server's log says where it listens.
wait_for() {
  for _ in $(seq 1 300); do
    if grep -qE "$2" "$1" 2>/dev/null; then grep -oE "$2" "$1" | head -1; return 0; fi
    sleep 0.1
  done
  echo "demo: a server did not start; its log:" >&2; cat "$1" >&2; return 1
}

step "1. Build the issuer, the wallet and the verifier"
$GO build -o "$tmp/issuer" ./issuer/cmd/issuer
$GO build -o "$tmp/wallet" ./wallet/cmd/wallet
$GO build -o "$tmp/verify" ./verifier/cmd/verify

started=$SECONDS
step "2. Start the issuer service (eTranscript California stand-in; SQLite in a temporary directory)"
head -c 24 /dev/urandom | base64 > "$tmp/admin-token"
echo "demo service passphrase $(head -c 8 /dev/urandom | base64)" > "$tmp/issuer-pass"
"$tmp/issuer" serve --db "sqlite:$tmp/issuer.db" --addr 127.0.0.1:0 \
  --admin-token-file "$tmp/admin-token" --passphrase-file "$tmp/issuer-pass" 2> "$tmp/issuer.log" &
pids+=($!)
addr=$(wait_for "$tmp/issuer.log" 'addr=127\.0\.0\.1:[0-9]+' | cut -d= -f2)
export SATCHEL_ISSUER_URL="http://$addr"
echo "issuer service at $SATCHEL_ISSUER_URL (its did:web names use http://localhost:${addr#*:})"

step "3. The administrator creates the four sample institutions, each with a did:web signing key and its equivalency tables"
"$tmp/issuer" seed --token-file "$tmp/admin-token" --tokens-out "$tmp/tokens.json"
for slug in sierra-vista harbor-adult gs-electrical jst; do
  sed -n "s/.*\"$slug\": \"\([^\"]*\)\".*/\1/p" "$tmp/tokens.json" > "$tmp/$slug.token"
done

step "4. Institutions send their learners' records; the service maps each to community-college credit and issues signed Open Badges 3.0 credentials"
submit() { # submit SLUG FILE: send a batch, keep the answer, show Danielle Brooks's (L-1002) records
  "$tmp/issuer" submit --token-file "$tmp/$1.token" --institution "$1" "$2" > "$tmp/$1-$(basename "$2").txt"
  head -1 "$tmp/$1-$(basename "$2").txt"
  grep -A2 ' L-1002 ' "$tmp/$1-$(basename "$2").txt" || true
}
echo "-- Sierra Vista Community College: a PESC College Transcript (XML) for one student, then the term's courses (CSV)"
submit sierra-vista issuer/intake/testdata/sierra-vista-pesc-L-1016.xml
submit sierra-vista issuer/intake/testdata/sierra-vista-courses.csv
echo "-- Harbor Adult School: certificates (CSV)"
submit harbor-adult issuer/intake/testdata/harbor-adult-certificates.csv
echo "-- Golden State Electrical Training Alliance: apprenticeship competencies (JSON)"
submit gs-electrical issuer/intake/testdata/gs-electrical-competencies.json
echo "-- Joint Services Transcript office: military training (JSON)"
submit jst issuer/intake/testdata/jst-military.json

step "5. Danielle Brooks (L-1002), an Army veteran retraining for healthcare, makes a wallet and takes her records over OpenID4VCI"
export SATCHEL_PASSPHRASE="danielle demo passphrase"
W() { "$tmp/wallet" --db "$tmp/danielle.db" "$@"; }
W init
for slug in harbor-adult sierra-vista jst; do
  "$tmp/issuer" offer --token-file "$tmp/$slug.token" --institution "$slug" --learner L-1002 --tx-code --qr "$tmp/offer-$slug.png" \
    > "$tmp/offer-$slug.uri" 2> "$tmp/offer-$slug.tx"
  tx=$(sed -n 's/.*transaction code for the learner: //p' "$tmp/offer-$slug.tx")
  echo "-- $slug offers: $(cut -c1-72 "$tmp/offer-$slug.uri")…  (QR code in offer-$slug.png; code sent separately: $tx)"
  W import --insecure-localhost --tx-code "$tx" "$(cat "$tmp/offer-$slug.uri")"
done

step "6. She builds a portfolio for an EMT job at Sierra Vista Ambulance (healthcare, a priority sector)"
W portfolio create "EMT application"
for id in $(W list --json | grep -oE '"id": *[0-9]+' | grep -oE '[0-9]+'); do W portfolio add "EMT application" "$id" > /dev/null; done
W portfolio show "EMT application"

step "7. The employer's page asks for the application over OpenID4VP; her wallet answers with the portfolio"
# The employer verifies offline: it preloads the institutions' DID
# documents and status lists, and fetches those lists again every second
# (an hour would do for a real page; only the lists it was given).
port=${addr#*:}
cat > "$tmp/trust.json" <<EOF
{"name": "California community colleges and partners (demo)", "issuers": [
  {"id": "did:web:localhost%3A$port:institutions:sierra-vista", "name": "Sierra Vista Community College", "kind": "college"},
  {"id": "did:web:localhost%3A$port:institutions:harbor-adult", "name": "Harbor Adult School", "kind": "adult-school"},
  {"id": "did:web:localhost%3A$port:institutions:jst", "name": "Joint Services Transcript (military)", "kind": "military"}]}
EOF
employer_up() {
  local args=(--trust "$tmp/trust.json")
  for slug in harbor-adult sierra-vista jst; do
    curl -fsS "$SATCHEL_ISSUER_URL/institutions/$slug/did.json" > "$tmp/$slug-did.json"
    curl -fsS "$SATCHEL_ISSUER_URL/status/$slug-revocation-1" > "$tmp/$slug-list.json"
    args+=(--did-document "$tmp/$slug-did.json" --status-list "http://localhost:${addr#*:}/status/$slug-revocation-1=$tmp/$slug-list.json")
  done
  "$tmp/verify" serve --addr 127.0.0.1:0 --jobs verifier/requirements/testdata/jobs "${args[@]}" \
    --refresh-lists 1s --insecure-localhost > "$tmp/verify.log" 2>&1 &
  vpid=$!; pids+=($vpid)
  vaddr=$(wait_for "$tmp/verify.log" 'http://127\.0\.0\.1:[0-9]+')
}
employer_up
echo "employer page at $vaddr"
ask() { # the employer asks; the wallet answers; print the employer's report
  local req uri result
  req=$(curl -fsS -H 'Accept: application/json' -d job=emt-sierra-vista-ambulance "$vaddr/oid4vp/requests")
  uri=$(printf '%s' "$req" | sed -n 's/.*"uri": *"\([^"]*\)".*/\1/p' | sed 's/\\u0026/\&/g')
  result=$(printf '%s' "$req" | sed -n 's/.*"result": *"\([^"]*\)".*/\1/p')
  echo "request: ${uri:0:100}…"
  W respond --insecure-localhost --portfolio "EMT application" "$uri"
  echo "-- the employer's report:"
  curl -fsS "$result" > "$tmp/report.json"
  "$tmp/verify" report --brief "$tmp/report.json" || true
}
ask

step "8. Harbor Adult School revokes her medical terminology certificate; her wallet and the employer's page refresh the status list; the employer asks again"
orig=$(grep -A2 'HAS-1002-MEDTERM' "$tmp/harbor-adult-harbor-adult-certificates.csv.txt" | sed -n 's/.*credential //p')
"$tmp/issuer" revoke --token-file "$tmp/harbor-adult.token" --institution harbor-adult --reason "demo: issued in error" "$orig"
W refresh --insecure-localhost > /dev/null || true
W list
sleep 2 # the employer's page fetches its status lists every second
ask

step "9. Someone edits a credential to claim more: the verifier refuses it (exit status 1)"
id=$(grep -A2 'SV-1002-EMS101' "$tmp/sierra-vista-sierra-vista-courses.csv.txt" | sed -n 's/.*credential //p')
curl -fsS -H "Authorization: Bearer $(cat "$tmp/sierra-vista.token")" "$SATCHEL_ISSUER_URL/institutions/sierra-vista/credentials/$id?download=1" > "$tmp/ems101.json"
sed 's/Emergency Medical Technician/Paramedic/' "$tmp/ems101.json" > "$tmp/tampered.json"
"$tmp/verify" --did-document "$tmp/sierra-vista-did.json" "$tmp/tampered.json" | grep -E '^✗|✗ proof' || true
if "$tmp/verify" --did-document "$tmp/sierra-vista-did.json" "$tmp/tampered.json" > /dev/null; then echo "demo: the tampered credential verified" >&2; exit 1; fi

echo; echo "demo: all three roles ran in $((SECONDS - started)) s after the build"
if [ "${DEMO_KEEP:-}" = 1 ]; then
  step "Servers kept running (Ctrl-C stops them)"
  echo "issuer service:  $SATCHEL_ISSUER_URL/openapi.json"
  echo "employer page:   $vaddr"
  echo "wallet database: $tmp/danielle.db (SATCHEL_PASSPHRASE=\"$SATCHEL_PASSPHRASE\")"
  wait
fi
step "demo: done (everything it started is stopped)"
