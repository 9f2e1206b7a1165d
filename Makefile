# Two commands matter: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint fmt typecheck pytest openapi client bench soak install clean docker

# (Re)install only when the dependencies change, so a second `make run` starts at once.
$(STAMP): pyproject.toml clients/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' -e clients/python
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)  ## set up, migrate the embedded SQLite database and serve on 127.0.0.1:8000
	$(BIN)/leadapi migrate
	$(BIN)/leadapi serve

test: lint pytest  ## the whole suite: lint, types, tests on SQLite and PostgreSQL

# On up to two cores (pytest-xdist; see _SuiteScheduling in tests/conftest.py). Not more: each
# worker's apps hold up to 30 PostgreSQL connections and the four-process tests 40 more, and
# PostgreSQL allows 100 (71 seen at once with two workers).
pytest: $(STAMP)
	$(BIN)/pytest -n auto --maxprocesses 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/ruff format --check src tests bench migrations
	$(BIN)/mypy
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff check --fix src tests bench migrations
	$(BIN)/ruff format src tests bench migrations

openapi: $(STAMP)  ## regenerate openapi/openapi.json from the app
	LEADAPI_BOOTSTRAP=false $(BIN)/leadapi openapi --output openapi/openapi.json

client: $(STAMP)  ## regenerate the typed Python client in clients/python from openapi/openapi.json
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/openapi-python-client generate --path openapi/openapi.json \
		--output-path clients/python --overwrite --meta pdm --config clients/openapi-python-client.yaml

bench: $(STAMP)  ## benchmarks against PostgreSQL, reported as ratios to a bare baseline
	$(BIN)/python -m bench $(ARGS)

soak: $(STAMP)  ## minutes of mixed traffic on PostgreSQL, the server's memory read as it goes
	BENCH_DATABASE=leadapi_soak $(BIN)/python -m bench.soak $(ARGS)

docker:
	docker build -t leadapi .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
