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
# Screens make screenshots writes, each at phone (360x740) and desktop
# (1280x800) size, to docs/screens/SCREEN-phone.png and SCREEN-desktop.png.
SCREENS   ?= records detail add pathways portfolios portfolio settings unlock firstrun
# Seconds each screenshot waits for the app to draw.
SHOT_WAIT ?= 8

.PHONY: demo test run bench screenshots deps vet

## demo: all three roles as real processes on 127.0.0.1 — the issuer
## service takes four institutions' records (PESC XML, CSV, JSON) and issues
## credentials; a learner's wallet receives them over OpenID4VCI and answers
## an employer's OpenID4VP request with a portfolio; the employer's page
## reports the job requirements met; a revocation changes the report; a
## tampered credential is refused. DEMO_KEEP=1 keeps the servers running.
demo:
	@./scripts/demo.sh

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
