# One command runner; CI calls `make test` through .ci/run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench build venv system-libs clean installer-test

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
	$(VENV)/bin/actionlint -no-color .github/workflows/*.yml
	$(PY) -m ruff check desktop_app tests bench scripts
	$(PY) -m ruff format --check desktop_app tests bench scripts
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) -m bench

build: $(STAMP)
	$(PY) -m pip install --quiet 'pyinstaller>=6.10,<7'
	$(PY) -m PyInstaller --noconfirm --clean build.spec

# The Windows installer compiled and run under Wine (tests/ship/test_installer.py; installs Wine, Xvfb
# and npm first when root or passwordless sudo, else the test skips and says why).
installer-test: $(STAMP)
	bash scripts/ensure-wine.sh
	ZHICHENG_INSTALLER_TEST=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider tests/ship/test_installer.py

clean:
	rm -rf build dist
