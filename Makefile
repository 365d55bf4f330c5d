# Satchel: the public targets are demo, test, run, bench and screenshots.
# Everything else is a helper of those.

GO      ?= go
# Debian packages the tests need beyond Go: a C compiler and the X11/OpenGL
# headers for Fyne's cgo build, and Xvfb for tests that open real windows.
DEB_PKGS = gcc libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev \
           libxi-dev libxxf86vm-dev xvfb xauth
# The race detector costs little on our packages; turn it off with RACE=.
RACE    ?= -race
# Demo date: the sample tables are mapped as of this day so the output does
# not drift with the calendar.
DEMO_AS_OF ?= 2026-09-01

.PHONY: demo test run bench screenshots deps vet

## demo: map the sample learners' records to community-college credit and
## print the credentials they become.
demo:
	@echo "== Satchel demo: sample records from four institutions, mapped with the sample equivalency tables as of $(DEMO_AS_OF)"
	$(GO) run ./issuer/cmd/issuer map --as-of $(DEMO_AS_OF)
	@echo
	@echo "== One learner's records as Open Badges 3.0 credentials and a CLR 2.0 transcript"
	$(GO) run ./issuer/cmd/issuer map --as-of $(DEMO_AS_OF) --learner L-1001 --credentials

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

## deps: install the Debian packages the build and tests need, if missing.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: Debian packages already installed"; \
	elif [ "$$(id -u)" = 0 ]; then echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then echo "deps: installing$$missing with sudo"; \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null; \
	else echo "deps: not root and no sudo: please install$$missing (apt-get install$$missing); tests that need them will fail"; fi
