# release-audit: the two commands of the quick start, and their parts.
#   make demo   builds release-audit and runs its end-to-end demo
#   make test   builds and runs the whole test suite (Swift tests + Python interoperability check)

SWIFT ?= swift
BIN := .build/debug/release-audit

.PHONY: deps build demo test interop clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

demo: build
	$(BIN) demo

# One build for the binary and the tests (same flags), then run the tests without rebuilding.
test: deps
	@scripts/install-deps.sh --with-python
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	scripts/interop/check.sh

interop: build
	scripts/interop/check.sh

clean:
	rm -rf .build
