# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app courseware
HOST ?= 127.0.0.1
PORT ?= 5000
# Two gunicorn workers a core, each serving one request at a time (courseware/serving.py, named
# in gunicorn.conf.py): one runs while the other waits on the database or a phone.
WORKERS ?= $(shell echo $$(( 2 * $$(nproc) )))
JOB_WORKERS ?= 2

.PHONY: run test lint bench translations serve-setup check-browser pdf-fonts update-translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the package metadata changes.
$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Message catalogs are compiled from the committed .po files on every build.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d courseware/translations 2>&1 | tail -n 2

update-translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k Plural:1,2 -o courseware/translations/messages.pot .
	$(BIN)/pybabel update -i courseware/translations/messages.pot -d courseware/translations

# PDFs (certificates, training records, exercise reports) embed the HanaMin fonts, which draw every
# character a name may hold, beyond the Basic Multilingual Plane too (courseware/pdftext.py).
PDF_FONT_DIR := /usr/share/fonts/truetype/hanazono
pdf-fonts:
	@test -f $(PDF_FONT_DIR)/HanaMinA.ttf -a -f $(PDF_FONT_DIR)/HanaMinB.ttf || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-hanazono)

# A database that holds data is backed up (instance/backups, the last 5) before migrations change it.
serve-setup: translations pdf-fonts
	$(FLASK) backup --before-migrating
	$(FLASK) db upgrade
	$(FLASK) content sync
	$(FLASK) demo

# The job worker (exports, roster imports) runs beside gunicorn and stops with it.
run: serve-setup
	@echo "Serving on http://$(HOST):$(PORT), with a job worker ($(JOB_WORKERS) threads) beside it"
	@if [ "$(HOST)" = "0.0.0.0" ]; then lan=$$($(BIN)/python -m courseware.netutil); \
	  if [ -n "$$lan" ]; then echo "Phones in the room join at http://$$lan:$(PORT)/room (the projector's QR code points there)"; \
	  else echo "No LAN address found: set COURSEWARE_CLASSROOM_BASE_URL for the projector's QR code"; fi; fi
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(FLASK) jobs worker --workers $(JOB_WORKERS) & worker=$$!; \
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'courseware:create_app()'

# Browser tests drive Debian's Chromium; the fonts make Chinese readable in screenshots. The
# accessibility test checks every page with the Nu HTML checker (vnu.jar, from npm), which runs on Java.
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/vnu/node_modules/vnu-jar/build/dist/vnu.jar
check-browser: $(VNU_JAR)
	@command -v chromium >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

$(VNU_JAR): $(BIN)/python
	@command -v java >/dev/null && command -v npm >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless npm)
	npm install --silent --no-audit --no-fund --prefix $(VENV)/vnu vnu-jar@$(VNU_VERSION)
	touch $@

# Style and layering come first: a lint failure fails the tests.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check courseware tests bench
	$(BIN)/ruff format --check courseware tests bench
	$(BIN)/lint-imports

# Tests run in parallel (pytest-xdist), one process more than there are cores, up to four, each on
# a database of its own: browser tests and job tests spend much of their time waiting on another
# process, so one extra keeps the cores busy. A worker that finishes early takes tests queued for
# another. TEST_WORKERS=0: one process.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
test: lint translations pdf-fonts check-browser
	$(BIN)/pytest --numprocesses=$(TEST_WORKERS) --maxprocesses=4 --dist=worksteal $(PYTEST_ARGS)

# Benchmarks print ratios measured in one run; the lesson-page one drives load with wrk.
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python bench/sqlite_write_burst.py
	$(BIN)/python bench/lesson_page.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/session_check.py
	$(BIN)/python bench/quiz_storm.py
	$(BIN)/python bench/capacity.py
	$(BIN)/python bench/classroom.py

clean:
	rm -rf $(VENV) .pytest_cache
