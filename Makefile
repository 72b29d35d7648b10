# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make run   - create .venv if needed, install the pinned requirements, start the app on :8501
#   make test  - the same set-up, then the whole test suite
#   make serve - REPLICAS replicas of the app behind nginx on PORT (default 2 on :8080); Ctrl-C stops all
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
REPLICAS ?= 2
PORT     ?= 8080

.PHONY: run test bench system serve

system:
	@bash scripts/system-deps

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

run: $(STAMP) system
	$(PY) -m streamlit run app.py --server.port 8501

test: $(STAMP)
	@bash scripts/system-deps --with-browser --with-nginx
	$(PY) -m grid catalog check
	$(PY) -m grid catalog diff --quiet
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench
	$(PY) -m bench.load --users 1,10,25,50,100 --duration 60 --settle 140 --soak-rounds 3 --soak-users 25 --results
	$(PY) -m bench.replicas --kill-test --results

serve: $(STAMP)
	@bash scripts/system-deps --with-nginx
	$(PY) -m bench.replicas --replicas $(REPLICAS) --port $(PORT)
