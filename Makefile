# sotavision: every target creates the virtual environment .venv first when it is missing.
#   make lab    install, prepare the tiny data and the student assignments, start JupyterLab
#   make test   every test: lesson notebooks, pytest, the offline half of the docs build
#   make docs   the docs site (needs Quarto)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8888
# Jupyter refuses to run as root unless told to (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
export PATH := $(BIN):$(PATH)
export MPLBACKEND ?= Agg

.PHONY: install data release lab test test-nbs test-py test-docs export docs clean

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
	@echo "Starting JupyterLab on the course (lessons in nbs/, your assignments in grader/release/)."
	cd grader && jupyter lab --ServerApp.root_dir=$(CURDIR) --port=$(PORT) $(ROOT_FLAG)

test: data
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-nbs test-docs test-py && \
	echo "make test: all passed in $$(( $$(date +%s) - start )) s"

test-nbs: $(STAMP)
	OMP_NUM_THREADS=1 nbdev-test --n-workers 2 --timing

test-py: $(STAMP)
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
	rm -rf _proc _docs grader/release grader/autograded grader/feedback grader/reports
