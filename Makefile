# sotavision: every target creates the virtual environment .venv first when it is missing.
#   make lab    install, prepare the tiny data and the student assignments, start JupyterLab
#   make test   every test: lesson notebooks, pytest, the offline half of the docs build
#   make docs   the docs site (needs Quarto)
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

.PHONY: install data release lab lab-server browser test test-nbs test-py test-docs export docs clean

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

# Debian's Chromium for tests/test_browser.py. Not fatal when it cannot be installed: the browser tests
# then fail, saying what is missing.
browser:
	@if [ -x "$(CHROMIUM)" ]; then echo "Browser for the browser tests: $(CHROMIUM)"; \
	elif ! command -v apt-get >/dev/null; then \
	  echo "WARNING: the browser tests need Chromium at $(CHROMIUM) and there is no apt-get here: install Chromium" \
	       "and run make with CHROMIUM=/path/to/chromium. The browser tests will fail until then."; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's chromium for the browser tests (apt-get install chromium)"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "WARNING: apt-get install chromium failed; the browser tests will fail until it is installed."; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests (sudo apt-get install chromium)"; \
	  { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "WARNING: sudo apt-get install chromium failed; the browser tests will fail until it is installed."; \
	else \
	  echo "WARNING: the browser tests need Chromium at $(CHROMIUM). Install it with: sudo apt-get install chromium" \
	       "(then run make test again). The browser tests will fail until then."; \
	fi

# Debian's bubblewrap, the sandbox `sotavision-grade autograde` runs every submission in (grader/README.md).
# Not fatal when it cannot be installed: grading then stops with a message naming this target.
.PHONY: sandbox
sandbox:
	@if command -v bwrap >/dev/null; then echo "Grading sandbox: $$(command -v bwrap)"; \
	elif ! command -v apt-get >/dev/null; then \
	  echo "WARNING: grading needs bubblewrap (bwrap) and there is no apt-get here: install bubblewrap with your package manager."; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's bubblewrap, the grading sandbox (apt-get install bubblewrap)"; \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; }; } \
	  || echo "WARNING: apt-get install bubblewrap failed; grading will fail until it is installed."; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	  echo "Installing Debian's bubblewrap, the grading sandbox (sudo apt-get install bubblewrap)"; \
	  { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; } \
	  || echo "WARNING: sudo apt-get install bubblewrap failed; grading will fail until it is installed."; \
	else \
	  echo "WARNING: grading needs bubblewrap. Install it with: sudo apt-get install bubblewrap"; \
	fi

test: sandbox
test-py: sandbox
test-nbs: sandbox

test: data browser
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-nbs test-docs test-py && \
	echo "make test: all passed in $$(( $$(date +%s) - start )) s"

test-nbs: $(STAMP)
	OMP_NUM_THREADS=1 nbdev-test --n-workers 2 --timing

test-py: $(STAMP) browser
	python -m pytest tests/ -p no:cacheprovider -ra

# The offline half of the docs build: every page processed into _proc/ (tests/test_docs.py checks it;
# Quarto renders it, see make docs).
test-docs: $(STAMP)
	nbdev-proc-nbs

export: $(STAMP)
	nbdev-export
	nbdev-clean

docs: $(STAMP)
	@command -v quarto >/dev/null || { echo "make docs needs Quarto, which is not installed."; \
	  echo "Install it from https://quarto.org/docs/get-started/ (or run: nbdev-install-quarto), then run make docs again."; \
	  echo "Without Quarto, 'make test-docs' still processes every page (nbdev-proc-nbs)."; exit 1; }
	nbdev-docs

clean:
	rm -rf _proc _docs grader/release grader/autograded grader/feedback grader/reports tests/artefacts
