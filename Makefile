# Satchel: the public targets are demo, test, run, bench and screenshots.
# Everything else is a helper of those.

GO      ?= go
# Debian packages the tests need beyond Go: a C compiler and the X11/OpenGL
# headers for Fyne's cgo build, Xvfb for tests that open real windows,
# PostgreSQL for the issuer's postgres store (its tests start a server), and
# Chromium for the employer page's browser test (verify serve).
DEB_PKGS = gcc libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev \
           libxi-dev libxxf86vm-dev xvfb xauth postgresql chromium
# The race detector costs little on our packages; turn it off with RACE=.
RACE    ?= -race
# Demo date: the sample tables are mapped as of this day so the output does
# not drift with the calendar.
DEMO_AS_OF ?= 2026-09-01

# Screens make screenshots writes, each at phone (360x740) and desktop
# (1280x800) size, to docs/screens/SCREEN-phone.png and SCREEN-desktop.png.
SCREENS   ?= records detail add pathways portfolios portfolio settings unlock firstrun
# Seconds each screenshot waits for the app to draw.
SHOT_WAIT ?= 8

.PHONY: demo test run bench screenshots deps vet

## demo: map the sample learners' records to community-college credit, sign
## one as an Open Badges 3.0 credential, and verify it as an employer would,
## against a job's requirements; then show a tampered copy refused.
JST_DID = did:web:etranscript.example:institutions:jst
EMT_JOB = verifier/requirements/testdata/jobs/emt-sierra-vista-ambulance.json
demo:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(GO) build -o "$$tmp/issuer" ./issuer/cmd/issuer; $(GO) build -o "$$tmp/verify" ./verifier/cmd/verify; \
	echo "== 1. Sample records from four institutions, mapped with the sample equivalency tables as of $(DEMO_AS_OF)"; \
	"$$tmp/issuer" map --as-of $(DEMO_AS_OF); \
	echo; echo "== 2. The Joint Services Transcript office (sample) makes a signing key and publishes its DID document"; \
	"$$tmp/issuer" keygen --out "$$tmp/jst.jwk"; \
	"$$tmp/issuer" did-document --key "$$tmp/jst.jwk" --did $(JST_DID) > "$$tmp/jst-did.json"; \
	cat "$$tmp/jst-did.json"; \
	echo; echo "== 3. Marcus Delgado's Army combat medic course as an OB 3.0 AchievementCredential, signed (eddsa-rdfc-2022)"; \
	"$$tmp/issuer" map --as-of $(DEMO_AS_OF) --learner L-1001 --out "$$tmp/creds" > /dev/null; \
	"$$tmp/issuer" sign --key "$$tmp/jst.jwk" --did $(JST_DID) "$$tmp/creds/L-1001/JST-1001-AR-0709-0058.json" > "$$tmp/signed.json"; \
	cat "$$tmp/signed.json"; \
	echo; echo "== 4. An ambulance company hiring EMTs verifies it offline against the job's requirements"; \
	"$$tmp/verify" --did-document "$$tmp/jst-did.json" --requirements $(EMT_JOB) "$$tmp/signed.json"; \
	echo; echo "== 5. Someone edits the credential to claim more: the verifier refuses it (exit status 1)"; \
	sed 's/Combat Medic Specialist/Flight Paramedic/' "$$tmp/signed.json" > "$$tmp/tampered.json"; \
	if "$$tmp/verify" --did-document "$$tmp/jst-did.json" "$$tmp/tampered.json"; then echo "demo: the tampered credential verified" >&2; exit 1; fi; \
	echo; echo "demo: done"

## test: install what the tests need, then vet and test everything.
test: deps vet
	$(GO) test $(RACE) -timeout 12m ./...

vet:
	$(GO) vet ./...

## run: start the wallet app.
run: deps
	$(GO) run .

## bench: run the benchmarks on one core and print each figure as a ratio
## to a raw Ed25519 verification measured in the same run
## (bench/results.json keeps the table).
bench:
	./bench/run.sh

## screenshots: build the app and the sample wallet (wallet/sample: records
## of all four kinds, really signed and verified), then start the app under
## Xvfb on each screen at each size and save what the window shows.
screenshots: EXTRA_PKGS += imagemagick
screenshots: deps
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for c in xvfb-run import; do command -v $$c >/dev/null || { echo "screenshots: $$c is missing (apt-get install xvfb xauth imagemagick)" >&2; exit 2; }; done; \
	$(GO) build -o "$$tmp/satchel" . ; \
	$(GO) build -o "$$tmp/samplewallet" ./wallet/sample/cmd/samplewallet; \
	export LANG=C.UTF-8 XDG_CONFIG_HOME="$$tmp/config" SATCHEL_LANG=en; \
	SATCHEL_PASSPHRASE="sample wallet passphrase" "$$tmp/samplewallet" --dir "$$tmp/wallet"; \
	mkdir -p "$$tmp/empty" docs/screens; \
	for screen in $(SCREENS); do for size in phone:360x740 desktop:1280x800; do \
	  name=$${size%%:*}; wh=$${size#*:}; w=$${wh%x*}; h=$${wh#*x}; \
	  dir="$$tmp/wallet"; pass="sample wallet passphrase"; \
	  case $$screen in firstrun) dir="$$tmp/empty"; pass="";; unlock) pass="";; esac; \
	  out="docs/screens/$$screen-$$name.png"; \
	  SATCHEL_WALLET="$$dir" SATCHEL_PASSPHRASE="$$pass" SATCHEL_SCREEN=$$screen SATCHEL_SIZE=$$wh \
	  xvfb-run -a -s "-screen 0 $${w}x$${h}x24" sh -c '"$$1" 2>"$$2" & pid=$$!; sleep $(SHOT_WAIT); \
	    kill -0 $$pid 2>/dev/null || { cat "$$2" >&2; exit 1; }; \
	    import -window root -crop "$$3+0+0" "$$4"; kill $$pid; wait $$pid 2>/dev/null || true' \
	    shot "$$tmp/satchel" "$$tmp/app.log" "$$wh" "$$out"; \
	  echo "screenshots: $$out"; \
	done; done

## deps: install the Debian packages the build and tests need, if missing.
deps:
	@missing=""; for p in $(DEB_PKGS) $(EXTRA_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: Debian packages already installed"; \
	elif [ "$$(id -u)" = 0 ]; then echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then echo "deps: installing$$missing with sudo"; \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null; \
	else echo "deps: not root and no sudo: please install$$missing (apt-get install$$missing); tests that need them will fail"; fi
