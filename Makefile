# One command runner; CI calls `make test` through .ci/run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench build venv system-libs clean

$(STAMP): pyproject.toml
	bash scripts/ensure-system-libs.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

system-libs:
	bash scripts/ensure-system-libs.sh

run: $(STAMP)
	$(PY) -m desktop_app

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check desktop_app tests bench
	$(PY) -m mypy desktop_app/formspec desktop_app/reference desktop_app/domain.py

bench: $(STAMP)
	$(PY) -m bench

build: $(STAMP)
	$(PY) -m pip install --quiet 'pyinstaller>=6.10,<7'
	$(PY) -m PyInstaller --noconfirm --clean build.spec

clean:
	rm -rf build dist
