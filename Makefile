# sotavision: every target creates the virtual environment .venv first when it is missing.
#   make lab    install, prepare the tiny data and the student assignments, start JupyterLab
#   make test   every test: lesson notebooks, pytest, the offline half of the docs build
#   make outputs  run every lesson at tiny scale in a real kernel and save its outputs (commit them)
#   make docs   the docs site (needs Quarto)
#               ... or, where Quarto is missing, the same pages as plain HTML (make docs-html)
#   make browser  Debian's Chromium for the browser tests (tests/test_browser.py); make test runs it
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8888
# What JupyterLab serves (LAB_ROOT), the nbgrader course it runs in (LAB_COURSE: its nbgrader_config.py), and
# extra options (LAB_ARGS); tests/test_browser.py starts `make lab-server` on a scratch course with them.
LAB_ROOT ?= $(CURDIR)
LAB_COURSE ?= $(CURDIR)/grader
LAB_ARGS ?=
# The browser the browser tests drive through PyPI's playwright (never `playwright install`).
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
# Jupyter refuses to run as root unless told to (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
export PATH := $(BIN):$(PATH)
export MPLBACKEND ?= Agg

.PHONY: install data release lab lab-server browser test test-nbs test-py test-docs export outputs docs clean

install: $(STAMP)

# Re-installs when the dependencies change. constraints.txt caps torch/torchvision at what the
# course machines carry; pyproject.toml itself pins nothing exact.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(VENV)/bin/python || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(VENV)/bin/python -m pip install -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

# The tiny datasets are committed; re-create them only when a folder is missing.
data: $(STAMP)
	@if [ -d data/pets_tiny ] && [ -d data/imagenette_tiny ]; then echo "Tiny data present in data/"; \
	 else $(VENV)/bin/python data/make_tiny_data.py; fi

# Student versions of every assignment in grader/release/.
release: data
	sotavision-grade release

lab: release
	@echo "Starting JupyterLab on the course: lessons in nbs/, your fetched assignments in work/."
	@$(MAKE) --no-print-directory lab-server

# JupyterLab in the course folder, so that nbgrader (Validate, Assignments, Formgrader) finds
# nbgrader_config.py; JUPYTER_CONFIG_PATH lets nbgrader find it from any folder too, in JupyterLab's
# terminals included. MPLBACKEND is unset: make's Agg would stop notebooks from showing plots.
lab-server: $(STAMP)
	cd "$(LAB_COURSE)" && env -u MPLBACKEND JUPYTER_CONFIG_PATH="$(LAB_COURSE)" \
	  jupyter lab --ServerApp.root_dir="$(LAB_ROOT)" --port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

# $(call debian_package,PRESENT,PACKAGE,FOR): unless the shell test PRESENT passes, install Debian's PACKAGE with
# apt-get (as root, or with sudo). Never fatal: what FOR names then fails, saying what is missing. (No commas in the
# arguments: make splits them there.)
define debian_package
	@if $(1); then echo "$(3): $(2) is installed"; \
	elif ! command -v apt-get >/dev/null; then \
	  echo "WARNING: $(3) need Debian's $(2) and there is no apt-get here: install $(2) with your package manager."; \
	else sudo=$$([ "$$(id -u)" = 0 ] && echo root || { command -v sudo >/dev/null && sudo -n true 2>/dev/null && echo sudo; } || echo no); \
	  if [ "$$sudo" = no ]; then echo "WARNING: $(3) need $(2). Install it with: sudo apt-get install $(2) (then run make again)."; \
	  else run=$$([ "$$sudo" = sudo ] && echo sudo); echo "Installing Debian's $(2) for $(3) ($${run:+sudo }apt-get install $(2))"; \
	    { $$run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null 2>&1 || \
	      { $$run apt-get update -qq && $$run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; }; } \
	    || echo "WARNING: apt-get install $(2) failed; $(3) will fail until it is installed."; fi; fi
endef

# Debian's Chromium for tests/test_browser.py (elsewhere: CHROMIUM=/path/to/chromium).
browser:
	$(call debian_package,[ -x "$(CHROMIUM)" ],chromium,the browser tests)

# Debian's bubblewrap, the sandbox `sotavision-grade autograde` runs every submission in (grader/README.md).
.PHONY: sandbox
sandbox:
	$(call debian_package,command -v bwrap >/dev/null,bubblewrap,grading and its tests)

test: data browser sandbox
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-nbs test-docs test-py && \
	echo "make test: all passed in $$(( $$(date +%s) - start )) s"

# The library and grading notebooks through nbdev-test. The lessons (00-12) are run by tests/test_lessons.py
# instead, as a student's Run All runs them: a real kernel, every cell.
test-nbs: $(STAMP) sandbox
	OMP_NUM_THREADS=1 nbdev-test --n-workers 2 --timing --skip-file-re '^(0[0-9]|1[0-2])_'

test-py: $(STAMP) browser sandbox classroom
	python -m pytest tests/ -p no:cacheprovider -ra --durations=15

# The offline half of the docs build: every page processed into _proc/ (tests/test_docs.py checks it;
# Quarto renders it, see make docs).
test-docs: $(STAMP)
	nbdev-proc-nbs

export: $(STAMP)
	nbdev-export
	nbdev-clean

# Every lesson run top to bottom at tiny scale in a real kernel, its outputs (tables, numbers, PNG plots) saved
# into nbs/ and cleaned for a commit: what GitHub and the docs site show. One lesson: make outputs LESSON=nbs/10_tta.ipynb
outputs: data
	python tests/run_lessons.py --save $(LESSON)

docs: $(STAMP)
	@# Quarto renders the site (nbdev-docs), as .github/workflows/deploy.yaml does for GitHub Pages; without Quarto, docs-html.
	@if command -v quarto >/dev/null; then nbdev-docs; else \
	  echo "Quarto is not installed (https://quarto.org/docs/get-started/): building the plain HTML site (make docs-html)."; \
	  $(MAKE) --no-print-directory docs-html; fi

# Without Quarto: the site in _docs/ (DOCS_OUT) from nbdev's processed notebooks (_proc/), outputs and all, rendered
# by nbconvert's HTML exporter with the sidebar of nbs/sidebar.yml (tools/static_site.py). nbdev-proc-nbs says it
# cannot install Quarto; that is expected.
.PHONY: docs-html
DOCS_OUT ?= _docs
docs-html: $(STAMP)
	nbdev-proc-nbs
	python tools/static_site.py --proc _proc --out "$(DOCS_OUT)"

clean:
	rm -rf _proc _docs grader/release grader/autograded grader/feedback grader/reports tests/artefacts

# ---- Running a class (hub/README.md, README's "Instructor: running a class") ----
# make classroom  the class's extra Python packages (JupyterHub, psycopg), PostgreSQL's server and the Hub's proxy
# make postgres   Debian's PostgreSQL server, for a gradebook in PostgreSQL (tests/test_gradebook_postgres.py starts its own)
# make hub        as root: the class's JupyterHub on this machine (HUB_ROSTER's accounts, the exchange in HUB_ROOT)
.PHONY: classroom postgres hub-proxy hub hub-setup
CLASS_STAMP := $(VENV)/.classroom
PG_BIN ?= /usr/lib/postgresql/15/bin

classroom: $(CLASS_STAMP) postgres hub-proxy

$(CLASS_STAMP): $(STAMP) pyproject.toml
	$(VENV)/bin/python -m pip install -c constraints.txt -e ".[dev,class]"
	@touch $@

# Debian's PostgreSQL server (PG_BIN), for a gradebook in PostgreSQL; tests/test_gradebook_postgres.py starts its own.
postgres:
	$(call debian_package,[ -x "$(PG_BIN)/initdb" ],postgresql,the PostgreSQL gradebook tests)

hub-proxy:
	@if [ -x $(VENV)/hub-proxy/node_modules/.bin/configurable-http-proxy ]; then echo "Hub proxy: $(VENV)/hub-proxy"; \
	else npm install --prefix $(VENV)/hub-proxy --no-audit --no-fund configurable-http-proxy@5; fi

# The class's JupyterHub (hub/README.md): as root, on HUB_PORT; HUB_ROSTER's accounts; everything else under HUB_ROOT.
HUB_ROOT ?= /srv/sotavision
HUB_ROSTER ?= $(CURDIR)/hub/roster.csv
HUB_PORT ?= 8000
hub-setup: classroom
	$(VENV)/bin/python hub/setup_class.py "$(HUB_ROSTER)" "$(HUB_ROOT)"

hub: hub-setup
	cd "$(HUB_ROOT)/hub" && SOTAVISION_HUB_ROOT="$(HUB_ROOT)" SOTAVISION_HUB_ROSTER="$(HUB_ROSTER)" SOTAVISION_HUB_PORT=$(HUB_PORT) \
	  $(BIN)/jupyterhub -f $(CURDIR)/hub/jupyterhub_config.py
