# Two entry points (see README): `make demo` runs the main job, `make test` installs and tests.
# Both create .venv in the checkout when it is missing, so a fresh clone needs only Python and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export SDL_VIDEODRIVER ?= dummy
export SDL_AUDIODRIVER ?= dummy

.PHONY: demo test lint install model

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP) model
	$(BIN)/dms replay scenarios/showcase.yaml --hud --report out/showcase

lint: $(STAMP)
	$(BIN)/ruff check dms hud tests benchmarks examples
	$(BIN)/ruff format --check dms hud tests benchmarks examples
	$(BIN)/mypy

model: $(STAMP)
	$(BIN)/dms model fetch

test: lint model
	$(BIN)/python -m pytest
