# Helhet: `make run` to try it, `make test` to check it. Both set up .venv on their own.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
PO := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test install install-test translations translations-update lint bench browser clean-venv

run: $(VENV)/.installed $(MO)
	$(BIN)/helhet init-db
	$(BIN)/helhet demo --if-empty
	@$(BIN)/helhet demo-logins
	@echo "Helhet is running on http://127.0.0.1:$(PORT)  (stop with Ctrl+C)"
	$(BIN)/helhet run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed-test $(MO) browser
	@$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure, not a pass." >&2; fi; \
	exit $$status

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Compiled catalogues are built here, not committed.
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

translations: $(MO)

# Extract strings from code and templates and merge them into nb, nn and en (then translate).
translations-update: $(VENV)/.installed
	$(BIN)/helhet translate update

# The browser tests need Debian's Chromium; install it when it is missing and we may (root).
# The letters' QR test decodes with zbar (Debian's libzbar0, for pyzbar).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing (apt-get install chromium); browser tests will be skipped"; fi; }
	@ldconfig -p 2>/dev/null | grep -q libzbar.so.0 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends libzbar0 >/dev/null; \
	  else echo "libzbar0 is missing (apt-get install libzbar0); the QR decoding test will be skipped"; fi; }

# Formatting and lint (line length included), as CI checks them: `ruff format .` fixes the first.
lint: $(VENV)/.installed-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

bench: $(VENV)/.installed-test
	$(BIN)/python bench/analysis.py
	$(BIN)/python bench/submit.py

clean-venv:
	rm -rf $(VENV)
