# Set-up and everyday commands. `make run` and `make test` do everything on a fresh Debian machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
# Server size (gunicorn.conf.py): empty means its default, two processes per CPU core and 2 threads each.
WORKERS ?=
THREADS ?=
# The access log: 1 = on stdout, 0 = none, or a file name.
ACCESS_LOG ?= 1
# `make bench`: simulated attendees and seconds (bench/live_session.py --help for the rest).
BENCH_ATTENDEES ?= 300
BENCH_SECONDS ?= 60

# WeasyPrint (the PDF exports) draws text with Pango and HarfBuzz; both exports use Liberation Sans
# (metrically identical to Arial, which the deck names, so the deck's text measurements match PowerPoint's).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation

.PHONY: run bench bench-exports test install install-test system-packages chromium oidc-provider database check-briefings clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python system-packages
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python system-packages
	$(BIN)/python -m pip install --quiet -e '.[test]'

system-packages:
	@if ! command -v dpkg >/dev/null; then \
		echo "Not Debian: make sure Pango and the Liberation fonts are installed for the exports" >&2; exit 0; fi; \
	missing=$$(for package in $(SYSTEM_PACKAGES); do dpkg -s $$package >/dev/null 2>&1 || echo $$package; done); \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing" $$missing "for the exports"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "The exports need: sudo apt-get install" $$missing >&2; exit 1; \
	fi

# The browser tests drive Debian's Chromium; Playwright's own browser download cannot work here.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium: run 'sudo apt-get install chromium' and try again" >&2; exit 1; \
	fi

# The single sign-on tests start a real OpenID Connect provider (panva's oidc-provider, tests/oidc_provider/) on
# Node. Debian's nodejs (18 on bookworm, 20 on trixie) runs it; npm ci installs the locked versions, again only
# when the lock file is newer than what is installed.
OIDC_PROVIDER := tests/oidc_provider
oidc-provider: $(OIDC_PROVIDER)/node_modules/.package-lock.json

$(OIDC_PROVIDER)/node_modules/.package-lock.json: $(OIDC_PROVIDER)/package-lock.json $(OIDC_PROVIDER)/package.json
	@if command -v node >/dev/null && command -v npm >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's nodejs and npm for the single sign-on tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	else \
		echo "The single sign-on tests need Node: run 'sudo apt-get install nodejs npm' and try again" >&2; exit 1; \
	fi
	npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund --loglevel=error
	@touch $@

database: install
	$(BIN)/flask --app app db upgrade

check-briefings: install
	$(BIN)/flask --app app briefings check

run: database
	@$(BIN)/flask --app app briefings check || echo "(the library shows the other briefings; fix the files named above)"
	@echo
	@echo "Briefing Room is starting: open http://$(if $(filter 0.0.0.0,$(HOST)),localhost,$(HOST)):$(PORT)/"
	@echo
	HOST='$(HOST)' PORT='$(PORT)' WORKERS='$(WORKERS)' THREADS='$(THREADS)' ACCESS_LOG='$(ACCESS_LOG)' \
		$(BIN)/gunicorn -c gunicorn.conf.py 'app:create_app()'

# A simulated session on a real server (its own temporary database): prints latencies and checks every response.
bench: install-test
	$(BIN)/python bench/live_session.py --attendees $(BENCH_ATTENDEES) --seconds $(BENCH_SECONDS)

# Each export timed for every shipped briefing and a 100-response session: medians and peak memory.
bench-exports: install-test
	$(BIN)/python bench/exports.py

test: install-test chromium oidc-provider
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info $(OIDC_PROVIDER)/node_modules
