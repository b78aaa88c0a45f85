# Set-up and entry points. Every target creates .venv and installs the
# project on first use, so a fresh clone needs nothing else.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DO_NOT_TRACK := true
export KEDRO_DISABLE_TELEMETRY := true
export MLFLOW_DISABLE_TELEMETRY := true
export MPLBACKEND := Agg

.PHONY: install run test viz benchmark clean

$(STAMP): pyproject.toml src/collider_vae/darkmachines/_fastparse.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --only-binary pythia8mc -e ".[test,simulate]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kedro run --pipelines anomaly

test: $(STAMP)
	$(BIN)/python -m pytest

viz: $(STAMP)
	$(BIN)/kedro viz build

clean:
	rm -rf $(VENV) build .viz
	find src -name '*.so' -delete
