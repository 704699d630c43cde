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

.PHONY: run bench test install install-test chromium database check-briefings clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

# The browser tests drive Debian's Chromium; Playwright's own browser download cannot work here.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium: run 'sudo apt-get install chromium' and try again" >&2; exit 1; \
	fi

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

test: install-test chromium
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info
