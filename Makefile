# release-audit: the two commands of the quick start, and their parts.
#   make demo   builds release-audit and runs its end-to-end demo
#   make test   builds and runs the whole test suite (Swift tests, the Python interoperability
#               check, the workflow linters, and `make install` into a temporary prefix)
#   make install PREFIX=/usr/local   the release binary (Swift runtime linked statically, so it
#               needs only libgit2), bash/zsh/fish completions and the man page

SWIFT ?= swift
BIN := .build/debug/release-audit
PREFIX ?= /usr/local
DESTDIR ?=
RELEASE_BIN := .build/release/release-audit

.PHONY: deps build demo test interop lint-workflows install clean

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
	scripts/lint-workflows.sh
	scripts/check-install.sh
	scripts/check-doc-scripts.sh

lint-workflows:
	scripts/lint-workflows.sh

# The completions and the manual are generated from the commands themselves (swift-argument-parser).
install: deps
	mkdir -p .build/man
	$(SWIFT) package --allow-writing-to-directory .build/man generate-manual --output-directory .build/man >/dev/null
	# After the manual: its plugin builds the tool in release mode too, without the static runtime.
	$(SWIFT) build -c release --static-swift-stdlib
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1" \
		"$(DESTDIR)$(PREFIX)/share/bash-completion/completions" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions" \
		"$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d"
	install -s -m 0755 $(RELEASE_BIN) "$(DESTDIR)$(PREFIX)/bin/release-audit"
	install -m 0644 .build/man/release-audit.1 "$(DESTDIR)$(PREFIX)/share/man/man1/release-audit.1"
	$(RELEASE_BIN) --generate-completion-script bash > "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/release-audit"
	$(RELEASE_BIN) --generate-completion-script zsh > "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_release-audit"
	$(RELEASE_BIN) --generate-completion-script fish > "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/release-audit.fish"

interop: build
	scripts/interop/check.sh

clean:
	rm -rf .build
