# phonenumbers — build, test and run. Everything needed is pinned in go.mod (tool directive).
GO      ?= go
ADDR    ?= 127.0.0.1:8080
PKGS    := ./...

.PHONY: all generate check-generate lint-spec build test vet lint unit check-cc run bench benchstat fuzz soak conformance load load-curve wrk interop interop-deps redis-deps browser-deps clean

all: build

## generate: regenerate the *.gen.go files from openapi/ (oapi-codegen via go tool)
generate:
	$(GO) generate ./...

## check-generate: fail when the committed *.gen.go files differ from what the spec generates.
## It generates into a temporary copy of the work tree (tracked and untracked, non-ignored
## files, so uncommitted spec edits count) and never writes to the work tree itself.
check-generate:
	@git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "check-generate: needs a git work tree (it copies the files git knows of)"; exit 1; }; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	git ls-files -z --cached --others --exclude-standard \
	  | xargs -0 sh -c 'for f do if [ -e "$$f" ]; then printf "%s\0" "$$f"; fi; done' \
	  | tar --null -T - -cf - | tar -xf - -C "$$tmp" || { echo "check-generate: cannot copy the work tree to $$tmp"; exit 1; }; \
	find "$$tmp" -name '*.gen.go' -delete; \
	(cd "$$tmp" && $(GO) generate ./...) || { echo "check-generate: go generate failed (in a copy of the work tree)"; exit 1; }; \
	tracked=$$(git ls-files '*.gen.go'); status=0; \
	for f in $$(cd "$$tmp" && find . -name '*.gen.go' | sed 's#^\./##' | sort); do \
	  if ! printf '%s\n' $$tracked | grep -qxF "$$f"; then \
	    echo "check-generate: $$f is generated but not committed; run 'make generate' and add it"; status=1; \
	  elif [ ! -f "$$f" ]; then \
	    echo "check-generate: $$f is generated but missing from the work tree; run 'make generate'"; status=1; \
	  elif ! cmp -s "$$f" "$$tmp/$$f"; then \
	    echo "check-generate: $$f is out of date; run 'make generate' and commit it"; \
	    diff -u --label "$$f (work tree)" --label "$$f (generated)" "$$f" "$$tmp/$$f" | head -40; status=1; \
	  fi; \
	done; \
	for f in $$tracked; do \
	  [ -f "$$tmp/$$f" ] || { echo "check-generate: $$f is no longer generated; delete it"; status=1; }; \
	done; \
	[ $$status -eq 0 ] && echo "check-generate: generated code is up to date"; exit $$status

## lint-spec: lint both specs with Redocly CLI (recommended) and Spectral (spectral:oas, every
## rule); pinned versions installed with npm into a cache directory on first use
lint-spec:
	bash openapi/lint.sh

## build: build the phonenumbers binary into bin/ (its version comes from git, stamped by go build)
build:
	$(GO) build -buildvcs=auto -o bin/phonenumbers ./cmd/phonenumbers

## vet: go vet
vet:
	$(GO) vet $(PKGS)

## lint: staticcheck (generated files are skipped by staticcheck itself)
lint:
	$(GO) tool staticcheck $(PKGS)

## unit: the tests, with the race detector (which needs cgo, hence a C compiler)
unit: check-cc
	$(GO) test -race -count=1 $(PKGS)

## check-cc: explain, rather than fail obscurely, when the race detector cannot build
check-cc:
	@cc=$$($(GO) env CC); if ! command -v $${cc:-gcc} >/dev/null 2>&1; then \
	  echo "make test runs the tests under the race detector, which needs a C compiler ($${cc:-gcc}) and cgo."; \
	  echo "Install one (Debian/Ubuntu: sudo apt-get install gcc; Fedora: sudo dnf install gcc; macOS: xcode-select --install),"; \
	  echo "or run the tests without it: go test ./..."; exit 1; fi

## test: everything CI checks: vet, staticcheck, tests under -race, generated code up to date
test: vet lint unit check-generate

## run: start the server on $(ADDR) with the built-in operations
run: build
	./bin/phonenumbers serve --addr $(ADDR)

## bench: Go benchmarks with allocation counts (COUNT runs each), also saved to bench.out
COUNT ?= 1
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count $(COUNT) $(PKGS) | tee bench.out

## benchstat: compare bench.out with BASE (default bench-base.out), e.g. from an older commit
BASE ?= bench-base.out
benchstat:
	@for f in $(BASE) bench.out; do [ -f "$$f" ] || { echo "benchstat: $$f is missing: make bench COUNT=6 && cp bench.out $(BASE) on the old code, then make bench COUNT=6 on the new"; exit 1; }; done
	$(GO) tool benchstat $(BASE) bench.out

## load: throughput and latency of `phonenumbers serve` (open and keyed) against a bare
## net/http server, servers pinned to CPU 0, wrk pinned to CPU 1 (installed from Debian when missing)
load: build wrk
	$(GO) run ./internal/loadtest -bin bin/phonenumbers $(LOADFLAGS)

## load-curve: throughput and p99 against stored operations (1..10,000) and connections (1..256); the table, its numbers (JSON) and two SVG plots go to docs/perf/ (LOADFLAGS='-curve-out DIR' elsewhere)
load-curve: build wrk
	$(GO) run ./internal/loadtest -bin bin/phonenumbers -curve -duration 4s $(LOADFLAGS)

## wrk: the load generator, from Debian's package when it is not installed
wrk:
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk from Debian (apt-get install wrk)"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi; }

## fuzz: run each fuzz target briefly (FUZZTIME=10s by default)
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$target"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg || exit 1; \
	  done; \
	done

## soak: the full-size soak tests (50 HMAC pollers for 20 s, 256 connections for 10 s),
## under the race detector, then without it (resident memory is only checked without)
soak:
	PHONENUMBERS_SOAK=1 $(GO) test -race -count=1 -run 'Soak' -timeout 10m -v ./cmd/phonenumbers
	PHONENUMBERS_SOAK=1 $(GO) test -count=1 -run 'Soak' -timeout 10m -v ./cmd/phonenumbers

## conformance: check a running server (ENDPOINT, default http://$(ADDR)) against the spec
ENDPOINT ?= http://$(ADDR)
conformance:
	$(GO) run ./cmd/phonenumbers conformance --endpoint $(ENDPOINT)

## interop: run the official SDKs (JS @azure/communication-phone-numbers from npm, Python from
## Debian's python3-azure) against `serve --access-key` over HTTPS (interop/run.sh)
NPM            ?= npm
INTEROP_PYTHON ?= /usr/bin/python3
interop: build interop-deps
	PYTHON=$(INTEROP_PYTHON) interop/run.sh bin/phonenumbers

## interop-deps: the suites' dependencies: npm ci (pinned by the package-lock.json files) and
## python3-azure from Debian when $(INTEROP_PYTHON) cannot import the SDK
interop-deps:
	@command -v $(NPM) >/dev/null 2>&1 || { echo "make interop needs node and npm (Debian: sudo apt-get install nodejs npm)"; exit 1; }
	cd interop/js && $(NPM) ci --no-audit --no-fund
	cd interop/js/common-2.3.1 && $(NPM) ci --no-audit --no-fund
	@$(INTEROP_PYTHON) -c 'import azure.communication.phonenumbers' 2>/dev/null || { \
	  echo "installing python3-azure from Debian (apt-get install python3-azure)"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  $$sudo apt-get install -y python3-azure || { $$sudo apt-get update && $$sudo apt-get install -y python3-azure; }; }
	@$(INTEROP_PYTHON) -c 'import azure.communication.phonenumbers' || { echo "$(INTEROP_PYTHON) still cannot import azure.communication.phonenumbers"; exit 1; }

## redis-deps: Debian's redis-server, which the Redis store's tests start (they skip
## without it, and fail when CI=true)
redis-deps:
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "installing redis-server from Debian (apt-get install redis-server)"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  $$sudo apt-get install -y redis-server || { $$sudo apt-get update && $$sudo apt-get install -y redis-server; }; }
	@command -v redis-server >/dev/null 2>&1 || { echo "redis-server is still not on PATH"; exit 1; }

## browser-deps: Debian's chromium, which the browser tests drive headless (they skip
## without it, and fail when CI=true)
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium from Debian (apt-get install chromium)"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  $$sudo apt-get install -y chromium || { $$sudo apt-get update && $$sudo apt-get install -y chromium; }; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is still not on PATH"; exit 1; }

clean:
	rm -rf bin test-artifacts
