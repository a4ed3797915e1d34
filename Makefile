# buddynet: `make demo` serves the app with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export BUDDYNET_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test setup runtime-packages system-packages lint messages bench serve

demo: setup runtime-packages
	$(BIN)/buddynet migrate --noinput -v0
	$(BIN)/buddynet createcachetable
	$(BIN)/buddynet collectstatic --noinput -v0
	$(BIN)/buddynet seed-demo
	BUDDYNET_HTTPS=false $(BIN)/buddynet serve

test: setup runtime-packages system-packages
	$(BIN)/pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

# Debian packages the application needs at run time: Pango for PDF documents (WeasyPrint).
runtime-packages:
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || ! fc-list 2>/dev/null | grep -q "Noto Color Emoji"; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-color-emoji >/dev/null; \
	fi

# Debian packages the tests need: Chromium for browser tests, gettext for translations,
# nginx for the reverse-proxy test (tests/test_reverse_proxy.py) and bench/proxy.py.
system-packages:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v msgfmt >/dev/null 2>&1 \
		|| ! PATH="$$PATH:/usr/sbin" command -v nginx >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium gettext nginx >/dev/null; \
	fi

# Style, formatting, types (mypy with django-stubs) and the layers between the apps.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=src $(BIN)/mypy
	PYTHONPATH=src $(BIN)/lint-imports

# Re-extract translatable strings after changing code or templates, then translate.
messages: setup
	cd src/buddynet && ../../$(BIN)/buddynet makemessages -l nl -l en --no-obsolete --no-location --add-location=never
	cd src/buddynet && ../../$(BIN)/buddynet compilemessages

bench: setup
	$(BIN)/pip install -q -e ".[test,bench]"
	$(BIN)/python bench/run.py
	$(BIN)/python bench/matching.py
