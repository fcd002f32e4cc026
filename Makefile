# dirgate — build, run and test. `make run` starts the quick start,
# `make test` runs every test (unit and end-to-end, with -race).

GO       ?= go
BIN      ?= bin/dirgate
DATA_DIR ?= ./dirgate-data
LISTEN   ?= 127.0.0.1:8080
IMAGE    ?= dirgate:latest
# VERSION: the tag (git describe) where there is one, else the shape of a
# Go pseudo-version, v0.0.0-<commit time UTC>-<commit>[+dirty], so a clone
# without tags still says which commit it runs; empty outside a checkout,
# where the binary reads what the go command recorded (internal/version).
VERSION  ?= $(shell git describe --tags --dirty 2>/dev/null || \
	TZ=UTC git log -1 --abbrev=12 --date=format-local:%Y%m%d%H%M%S \
	--format=v0.0.0-%cd-%h$$(git diff --quiet HEAD 2>/dev/null || echo +dirty) 2>/dev/null)
LDFLAGS  := -s -w -X github.com/dirgate/dirgate/internal/version.linked=$(VERSION)
# The race detector and real directory servers make the full suite slow on
# a small machine: give each package time.
TEST_TIMEOUT ?= 30m

.PHONY: build run test test-ad lint bench image load clean

## build: a static binary in bin/dirgate
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/dirgate

## run: the quick start (embedded directory in $(DATA_DIR), every dialect, on $(LISTEN))
run: build
	./$(BIN) serve --data-dir $(DATA_DIR) --listen $(LISTEN)

## test: lint, then every test with -race, end-to-end included; with one
## Samba AD DC for the whole run where Samba is installed and we are root
test: lint fuzz
	@$(call with_samba_dc,$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...,optional)

## screenshots: the console's browser test, saving docs/console-*.png
.PHONY: screenshots
screenshots:
	DIRGATE_SCREENSHOTS=$(CURDIR)/docs $(GO) test -count=1 -run TestConsoleInABrowser ./test/e2e/console/

## fuzz: every fuzz target (func Fuzz… in a *_fuzz_test.go) for FUZZTIME
## each, one after the other; `make fuzz FUZZTIME=5m` for a longer run
##
## Go 1.26's fuzz coordinator can end a run whose time is up with a bare
## "context deadline exceeded" and no failing input (go.dev/issue/75804,
## fixed in Go 1.27): such a run is not a finding. It is told apart by the
## absence of "Failing input written", and the target's corpus (seeds and
## every input found so far) is then replayed as a plain test, which must
## pass. Any other failure fails the run.
FUZZTIME ?= 10s
.PHONY: fuzz
fuzz:
	@set -e; grep -rHo --include='*_fuzz_test.go' '^func Fuzz[A-Za-z0-9_]*' . | sort | \
	while IFS=: read -r file fn; do \
		pkg=./$$(dirname "$${file#./}"); name=$${fn#func }; \
		echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
		if out=$$($(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s "$$pkg" </dev/null 2>&1); then \
			echo "$$out" | grep -E '^fuzz: elapsed' | tail -n 1; \
		elif echo "$$out" | grep -q 'context deadline exceeded' && ! echo "$$out" | grep -q 'Failing input written'; then \
			echo "$$out" | grep -E '^fuzz: elapsed' | tail -n 1; \
			echo "fuzz $$name: the engine's end-of-time race (go.dev/issue/75804), no failing input; replaying its corpus"; \
			$(GO) test -count=1 -run "^$$name\$$" "$$pkg" || exit 1; \
		else \
			echo "$$out"; exit 1; \
		fi; \
	done

## test-ad: the Active Directory tests (the ad profile, its conformance run,
## AD-web end to end) against one Samba AD DC started for them
AD_TESTS    := ^(TestAD|TestAdWebSambaAD|TestStartServesTheDomainOverLDAPS|TestPlainBindsNeedTransportSecurity)
AD_PACKAGES := ./pkg/directory/ldap/ ./internal/testenv/samba/ ./test/e2e/adweb/
test-ad:
	@$(call with_samba_dc,$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) -run '$(AD_TESTS)' $(AD_PACKAGES),required)

# with_samba_dc runs $(1) with one Samba AD DC for the whole run: its LDAP
# ports are fixed, so every test package shares it through
# DIRGATE_TEST_SAMBA_DIR (internal/testenv/samba), started with
# `samba-dc up` and stopped at the end, whatever happens (trap). A DC the
# caller already exported is used as it is. Without Samba or root, $(2)
# "optional" runs $(1) anyway (the AD tests skip, saying why) unless
# CI=true; "required" fails.
define with_samba_dc
set -e; \
if [ -n "$$DIRGATE_TEST_SAMBA_DIR" ]; then $(1); exit; fi; \
why=""; \
if ! command -v samba >/dev/null 2>&1 && [ ! -x /usr/sbin/samba ]; then \
	why="Samba's AD DC is not installed (DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends samba-ad-dc samba-ad-provision)"; \
elif [ "$$(id -u)" != 0 ]; then why="provisioning a Samba AD DC needs root"; fi; \
if [ -n "$$why" ]; then \
	if [ "$$CI" = true ] || [ "$(2)" = required ]; then echo "make: the Active Directory tests cannot run: $$why" >&2; exit 1; fi; \
	echo "make: the Active Directory tests will be skipped: $$why" >&2; $(1); exit; \
fi; \
dc=$$(mktemp -d /tmp/dirgate-samba.XXXXXX); \
trap '$(GO) run ./internal/testenv/samba/cmd/samba-dc down "$$dc" >/dev/null 2>&1 || echo "make: stopping the Samba AD DC in $$dc failed" >&2; rm -rf "$$dc"' EXIT; \
trap 'exit 130' INT TERM; \
echo "make: starting a Samba AD DC for this run in $$dc"; \
$(GO) run ./internal/testenv/samba/cmd/samba-dc up "$$dc" >/dev/null; \
DIRGATE_TEST_SAMBA_DIR=$$dc; export DIRGATE_TEST_SAMBA_DIR; \
$(1)
endef

## lint: gofmt must have nothing to say, go vet must be clean
lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then \
		echo "gofmt -l: these files need gofmt -w:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags faultinject ./pkg/identity/

## bench: the benchmarks, with allocations (figures go to docs/benchmarks.md)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...

## image: the container image: with docker where a daemon answers (the
## binary is compiled in the golang image), else with buildah or podman
## from a static binary built here (no registry needed: the image is FROM
## scratch). Debian/Ubuntu: apt-get install -y buildah (or podman).
BUILDAH_FLAGS ?= --storage-driver vfs
PODMAN_FLAGS  ?= --storage-driver vfs
IMAGE_ENGINE_MISSING := make image: no container engine on this machine: install one with \
	"apt-get install -y buildah" (or podman), or start a docker daemon
image:
	@if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then \
		docker build --build-arg VERSION=$(VERSION) -t $(IMAGE) . ; \
	elif command -v buildah >/dev/null 2>&1 || command -v podman >/dev/null 2>&1; then \
		if command -v buildah >/dev/null 2>&1; then \
			BUILDAH_FLAGS='$(BUILDAH_FLAGS)'; export BUILDAH_FLAGS; engine=build/buildah-bud.sh; \
		else engine="podman $(PODMAN_FLAGS) build --format docker --isolation chroot"; fi; \
		$(MAKE) --no-print-directory build BIN=build/image/dirgate && \
		mkdir -p build/image/data && cp /etc/ssl/certs/ca-certificates.crt build/image/ && \
		$$engine --build-arg BINARY=prebuilt --build-arg VERSION=$(VERSION) -t $(IMAGE) . ; \
	else \
		echo '$(IMAGE_ENGINE_MISSING)' >&2; exit 1; \
	fi

## load: the load test (test/load): raw LDAP beside every dialect on a bulk-loaded
## slapd; writes docs/benchmarks/load-report.{md,svg} (LOADFLAGS: e.g. -clients 16)
load: build
	$(GO) run ./test/load -bin $(BIN) $(LOADFLAGS)

clean:
	rm -rf bin
