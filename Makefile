# 快办 Kuaiban — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE ?= kuaiban.settings_dev

.PHONY: demo test fuzz lint format setup-demo bench clean

$(BIN)/.installed-dev: requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

## demo: install, migrate the SQLite database under var/, load packs, calendar, accounts; serve.
demo: $(BIN)/.installed-dev setup-demo
	@echo ""
	@echo "快办已启动： http://$(HOST):$(PORT)/   （接口文档 http://$(HOST):$(PORT)/api/v1/docs ，管理后台 /admin/）"
	@echo "演示账号见上表及 demo/accounts.json。按 Ctrl+C 停止。"
	$(BIN)/kuaiban runserver $(HOST):$(PORT)

setup-demo: $(BIN)/.installed-dev
	$(BIN)/kuaiban migrate --noinput -v0
	$(BIN)/kuaiban calendar_seed
	$(BIN)/kuaiban pack load
	$(BIN)/kuaiban demo_setup
	$(BIN)/kuaiban certificates_demo_key
	$(BIN)/kuaiban shareddata_generate --people 1000 --seed 1 --history --as-of $$(date +%F)
	$(BIN)/kuaiban proactive demo
	$(BIN)/kuaiban commitments_demo
	$(BIN)/kuaiban servicepoints_load
	$(BIN)/kuaiban servicepoints_demo_rural
	$(BIN)/kuaiban appointments_slots

## test: the whole suite on SQLite, then on PostgreSQL when one is reachable.
test: $(BIN)/.installed-dev
	$(BIN)/python scripts/run_tests.py

## fuzz: requests generated from the OpenAPI document (schemathesis), seeded and bounded;
## on PostgreSQL when DATABASE_URL names one. KUAIBAN_FUZZ_EXAMPLES sets the examples per operation.
fuzz: $(BIN)/.installed-dev
	KUAIBAN_API_FUZZ=1 $(BIN)/python -m pytest tests/api_fuzz -p no:cacheprovider -q

lint: $(BIN)/.installed-dev
	$(BIN)/ruff format --check kuaiban tests scripts bench
	$(BIN)/ruff check kuaiban tests scripts bench
	$(BIN)/mypy kuaiban

format: $(BIN)/.installed-dev
	$(BIN)/ruff format kuaiban tests scripts bench
	$(BIN)/ruff check --fix kuaiban tests scripts bench

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
