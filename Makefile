# Liaison — the two commands are `make run` and `make test`.
SWIFT ?= swift
CONFIG ?= Config/dev/liaison.yaml

.PHONY: all deps build run test bench check-config clean access-doc

all: build

# Debian packages the build and the tests need (idempotent; see the script).
deps:
	@bash Deploy/deps.sh

build: deps
	$(SWIFT) build

# Starts liaisond in the foreground on the dev profile: SQLite and the control
# socket under ./.liaison/, demo roster on first start. Ctrl-C stops it.
run: build
	@mkdir -p .liaison
	@echo "liaisond: socket ./.liaison/liaison.sock — in another terminal: export LIAISON_SOCKET=$$PWD/.liaison/liaison.sock"
	exec "$$($(SWIFT) build --show-bin-path)/liaisond" --config $(CONFIG)

# Unit tests and the integration tests that drive the real liaisond and
# liaisonctl binaries (built first, since the tests start them).
# `swift build` first: it builds the plugin libraries (dynamic-library
# products), which --build-tests alone does not promise.
test: deps
	$(SWIFT) build
	$(SWIFT) build --build-tests
	$(SWIFT) test

# Not part of the tests: case-open throughput and latency over the socket at
# 1 and 16 clients, against raw single-row SQLite transactions on this disk;
# a million pending deadlines; messages a second through the plugin hosts
# (LIAISON_BENCH_ONLY=channels runs just those; =sealing sealed against
# data_key: none; =roster a 30,000-student
# roster import through the daemon, =sms, =letters).
bench: deps
	$(SWIFT) build -c release
	"$$($(SWIFT) build -c release --show-bin-path)/liaison-bench"

check-config: build
	"$$($(SWIFT) build --show-bin-path)/liaisond" --config $(CONFIG) --check-config

clean:
	rm -rf .build .liaison

# docs/ACCESS.md's matrix, rewritten from the routes' declared access.
access-doc:
	$(SWIFT) build --build-tests
	LIAISON_WRITE_ACCESS_DOC=1 $(SWIFT) test --skip-build --filter AccessDocTests
