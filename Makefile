# Every target sets up what it needs: a fresh clone needs only Python 3.11+ and make.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Runtime dependencies only (what serving needs), then the tools for checks and tests.
RUNTIME_STAMP := $(VENV)/.runtime
STAMP := $(VENV)/.installed
GO_CLIENT := clients/go
GO_CONTRACT_RUNNER := build/bin/contract-runner-go
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: blotter blotter-check browser postgresql nats ts-build ts-test go-test $(GO_CONTRACT_RUNNER) java-build java-test contract setup serve test lint typecheck proto-check proto-baseline generate pytest bench lock clean

$(RUNTIME_STAMP): server/pyproject.toml clients/python/pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt \
		-e clients/python -e server
	touch $@

$(STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt \
		-r requirements-dev.txt
	touch $@

# Code generators for the TypeScript and Go clients, pinned, installed locally.
PROTOC_GEN_GO := google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
PROTOC_GEN_GO_GRPC := google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.1
TS := clients/typescript
TS_STAMP := $(TS)/node_modules/.installed
GO_TOOLS := build/bin/protoc-gen-go build/bin/protoc-gen-go-grpc

$(TS_STAMP): $(TS)/package.json $(TS)/package-lock.json
	cd $(TS) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

build/bin/protoc-gen-go:
	GOBIN=$(CURDIR)/build/bin go install $(PROTOC_GEN_GO)

build/bin/protoc-gen-go-grpc:
	GOBIN=$(CURDIR)/build/bin go install $(PROTOC_GEN_GO_GRPC)

# Code generators for the Java client, at the versions clients/java/pom.xml pins, fetched
# by Maven: protoc (for the messages) and protoc-gen-grpc-java, for this machine's platform.
JAVA := clients/java
MVN := mvn -B -ntp -Dstyle.color=never -f $(JAVA)/pom.xml
JAVA_PLATFORM := $(subst Darwin,osx,$(subst Linux,linux,$(shell uname -s)))-$(subst arm64,aarch_64,$(subst aarch64,aarch_64,$(shell uname -m)))
JAVA_TOOLS := build/bin/protoc-java build/bin/protoc-gen-grpc-java
JAVA_CONTRACT_RUNNER := build/java/contract-runner.args

$(JAVA_TOOLS) &: $(JAVA)/pom.xml
	$(MVN) -q dependency:copy@generators -Dgenerators.platform=$(JAVA_PLATFORM)
	chmod +x $(JAVA_TOOLS)
	touch $(JAVA_TOOLS)

setup: $(STAMP) $(TS_STAMP) $(GO_TOOLS) $(JAVA_TOOLS)

# Code generators for the Rust client, pinned, built locally by cargo with their own
# Cargo.lock, in the one cargo target directory of the Rust client.
PROTOC_GEN_PROST := protoc-gen-prost@0.5.0
PROTOC_GEN_TONIC := protoc-gen-tonic@0.5.0
CARGO_TOOLS := build/cargo-tools
RUST_TOOLS := $(CARGO_TOOLS)/bin/protoc-gen-prost $(CARGO_TOOLS)/bin/protoc-gen-tonic
RUST_CLIENT := clients/rust
RUST_CONTRACT_RUNNER := build/cargo/debug/contract-runner
CARGO_INSTALL := cargo install --locked --quiet --root $(CARGO_TOOLS) --target-dir build/cargo

$(CARGO_TOOLS)/bin/protoc-gen-prost:
	$(CARGO_INSTALL) $(PROTOC_GEN_PROST)

$(CARGO_TOOLS)/bin/protoc-gen-tonic:
	$(CARGO_INSTALL) $(PROTOC_GEN_TONIC)

setup: $(RUST_TOOLS)

## serve: start the gateway on 127.0.0.1:50051 with the simulated exchange (needs only Python)
serve: $(RUNTIME_STAMP)
	$(BIN)/ibkr-gateway serve $(ARGS)

## test: every check and every test
test: lint typecheck proto-check blotter-check pytest go-test ts-test java-test contract examples

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	buf lint
	buf format --diff --exit-code
	buf breaking --against api/v1-baseline.json

typecheck: $(STAMP)
	$(BIN)/mypy server clients/python/src tests bench examples/python tools/protoc-gen-grpcio-python
	# A run of its own: mypy names both extensionless scripts __main__.
	$(BIN)/mypy tools/protoc-gen-descriptor-set

## generate: regenerate checked-in code from proto/
generate: setup
	buf generate
	buf generate --template buf.gen.java.yaml

## proto-check: fail when regenerating would change the checked-in code
proto-check: setup
	rm -rf build/gen-check && mkdir -p build/gen-check
	buf generate --output build/gen-check
	buf generate --template buf.gen.java.yaml --output build/gen-check
	diff -r build/gen-check/clients/python/gen clients/python/gen
	diff -r build/gen-check/server/ibkr_gateway/schema server/ibkr_gateway/schema
	diff -r build/gen-check/clients/typescript/src/gen clients/typescript/src/gen
	diff -r build/gen-check/clients/go/gen clients/go/gen
	diff -r build/gen-check/clients/java/gen clients/java/gen
	diff -r build/gen-check/clients/rust/src/gen clients/rust/src/gen
	rm -rf build/gen-check

pytest: $(STAMP) browser postgresql nats
	$(BIN)/python -m pytest -q

# The blotter page (--http-listen serves it at /) is TypeScript on the TypeScript client's
# generated code, bundled into one checked-in file: serving it needs no Node.
BLOTTER := server/ibkr_gateway/web/static/blotter.js
BLOTTER_BUNDLE := $(TS)/node_modules/.bin/esbuild $(TS)/blotter/blotter.ts --bundle \
	--format=esm --target=es2022 --minify --log-level=warning

## blotter: type-check and bundle the blotter page into its checked-in blotter.js
blotter: $(TS_STAMP)
	cd $(TS) && node_modules/.bin/tsc -p tsconfig.blotter.json
	$(BLOTTER_BUNDLE) --outfile=$(BLOTTER)

## blotter-check: fail when bundling the blotter again would change the checked-in file
blotter-check: $(TS_STAMP)
	cd $(TS) && node_modules/.bin/tsc -p tsconfig.blotter.json
	$(BLOTTER_BUNDLE) --outfile=build/blotter-check/blotter.js
	cmp build/blotter-check/blotter.js $(BLOTTER) || \
		{ echo "$(BLOTTER) is stale: run make blotter"; exit 1; }

## browser: Debian's headless Chromium and its driver, for the blotter's browser test
browser:
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		apt-get install -y -q chromium chromium-driver || \
		{ apt-get update -q && apt-get install -y -q chromium chromium-driver; }

## postgresql: Debian's PostgreSQL server, which the store tests start on a free port
postgresql:
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		apt-get install -y -q postgresql || \
		{ apt-get update -q && apt-get install -y -q postgresql; }

## nats: Debian's nats-server, which the tests of --publish start with JetStream
nats:
	command -v nats-server >/dev/null || test -x /usr/sbin/nats-server || \
		apt-get install -y -q nats-server || \
		{ apt-get update -q && apt-get install -y -q nats-server; }

# bench.publish (submit latency with NATS down vs up) starts one too.
bench: nats

## contract: one gateway on a free port, then the contract-suite runner of every language
contract: setup ts-build $(GO_CONTRACT_RUNNER) java-build
	$(BIN)/python -m tests.contract.run_all

## ts-build: compile the TypeScript client and its contract runner
ts-build: $(TS_STAMP)
	cd $(TS) && npm run build

## ts-test: TypeScript client unit tests (node --test; no gateway needed)
ts-test: $(TS_STAMP)
	cd $(TS) && npm test

## go-test: build, vet, gofmt check and unit tests of the Go client (no server needed)
go-test:
	go -C $(GO_CLIENT) build ./...
	go -C $(GO_CLIENT) vet ./...
	test -z "$$(gofmt -l $(GO_CLIENT)/gateway $(GO_CLIENT)/cmd)"
	go -C $(GO_CLIENT) test ./...

# Phony so that Go's own cache decides what to rebuild.
$(GO_CONTRACT_RUNNER):
	go -C $(GO_CLIENT) build -o $(CURDIR)/$@ ./cmd/contract-runner

## java-build: compile the Java client and its contract runner; write the runner's java arguments
java-build:
	$(MVN) -q test-compile dependency:build-classpath@runner-classpath
	mkdir -p $(dir $(JAVA_CONTRACT_RUNNER))
	printf -- '-cp "%s"\nio.github.ibkrgateway.contract.ContractRunner\n' \
		"$(CURDIR)/$(JAVA)/target/classes:$(CURDIR)/$(JAVA)/target/test-classes:$$(cat $(JAVA)/target/test-classpath.txt)" \
		> $(JAVA_CONTRACT_RUNNER)
	printf -- '-cp "%s"\n' "$(CURDIR)/$(JAVA)/target/classes:$$(cat $(JAVA)/target/test-classpath.txt)" \
		> build/java/client.args

## java-test: Java client unit tests (JUnit 5, in-process gRPC server; no gateway needed)
java-test:
	$(MVN) test

## rust-test: rustfmt and clippy checks (where installed) and unit tests of the Rust client (no gateway needed)
# Every cargo command of the Rust client builds with all features: the tests and the
# contract runner then share one build of each dependency.
rust-test:
	@if cargo fmt --version >/dev/null 2>&1; then \
		echo "cd $(RUST_CLIENT) && cargo fmt --check"; cd $(RUST_CLIENT) && cargo fmt --check; \
	else echo "rustfmt is not installed: format check skipped"; fi
	@if cargo clippy --version >/dev/null 2>&1; then \
		echo "cd $(RUST_CLIENT) && cargo clippy --locked --all-targets --all-features -- -D warnings"; \
		cd $(RUST_CLIENT) && cargo clippy --locked --all-targets --all-features -- -D warnings; \
	else echo "clippy is not installed: lint skipped"; fi
	cd $(RUST_CLIENT) && cargo test --locked --all-features

# Phony so that cargo decides what to rebuild.
$(RUST_CONTRACT_RUNNER):
	cd $(RUST_CLIENT) && cargo build --locked --all-features --bin contract-runner

.PHONY: rust-test $(RUST_CONTRACT_RUNNER)
test: rust-test
contract: $(RUST_CONTRACT_RUNNER)

# The examples/ programs, one per language, built against the clients in this checkout.
EXAMPLES_TS_STAMP := examples/typescript/node_modules/.installed
EXAMPLE_GO := build/bin/example-go
EXAMPLE_RUST := build/cargo/debug/examples/quickstart

$(EXAMPLES_TS_STAMP): examples/typescript/package.json examples/typescript/package-lock.json
	cd examples/typescript && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Phony so that Go's and cargo's own caches decide what to rebuild.
$(EXAMPLE_GO):
	go -C examples/go build -o $(CURDIR)/$@ .

$(EXAMPLE_RUST):
	cd $(RUST_CLIENT) && cargo build --locked --all-features --example quickstart

.PHONY: examples $(EXAMPLE_GO) $(EXAMPLE_RUST)
## examples: one gateway on a free port, then every language's example program against it, each printing what the README says it prints
examples: $(STAMP) ts-build java-build $(EXAMPLES_TS_STAMP) $(EXAMPLE_GO) $(EXAMPLE_RUST)
	$(BIN)/python -m tests.examples.run_all

## bench: SubmitOrder throughput vs a bare grpc.aio echo server; fan-out to 100 live subscribers; IB acknowledgement latency vs direct ib_async; the paced 500-order burst; submit latency while 100 streams replay a 200k-event journal; memory after 100k finished orders
bench: $(STAMP)
	$(BIN)/python -m bench.submit_throughput
	$(BIN)/python -m bench.fanout
	$(BIN)/python -m bench.ib_latency
	$(BIN)/python -m bench.replay_load
	$(BIN)/python -m bench.finished_orders
	$(BIN)/python -m bench.publish

## proto-baseline: record the current contract as the one later changes must stay compatible with
proto-baseline: $(STAMP)
	buf build --exclude-source-info -o api/v1-baseline.json

## lock: re-pin every Python dependency in constraints.txt
lock: $(STAMP)
	( echo "# Exact versions of every Python dependency (make lock rewrites this file)."; \
	  $(BIN)/python -m pip freeze --exclude-editable ) > constraints.txt

clean:
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache
	rm -rf $(JAVA)/target
