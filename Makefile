# Two commands for a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: build test check schema setup clean

build: $(STAMP)
	$(PY) -m generator check .

check: $(STAMP)
	$(PY) -m generator check .

test: $(STAMP)
	$(PY) -m pytest

schema: $(STAMP)
	$(PY) -m generator schema --out generator/schemas

setup: $(STAMP)

# Re-run the install only when the project's own dependency list changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) site site-intranet build *.egg-info
