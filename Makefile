# identity-graph: make demo, make test. Everything the tests need is installed or started from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LINT_STAMP := tools/cypher-lint/node_modules/.installed
BROWSER_STAMP := tools/browser-test/node_modules/.installed

.PHONY: setup demo test test-fast test-neo4j lint-cypher neo4j neo4j-stop bench bench-splink bench-accuracy clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools>=69" wheel
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet -e '.[fast]' || echo "neo4j-rust-ext did not install; the pure-Python driver is used"
	touch $(STAMP)

$(LINT_STAMP): tools/cypher-lint/package-lock.json
	npm ci --prefix tools/cypher-lint --no-audit --no-fund --loglevel=error
	touch $(LINT_STAMP)

$(BROWSER_STAMP): tools/browser-test/package-lock.json
	npm ci --prefix tools/browser-test --no-audit --no-fund --loglevel=error
	touch $(BROWSER_STAMP)

setup: $(STAMP) $(LINT_STAMP) $(BROWSER_STAMP)

demo: $(STAMP)
	$(BIN)/idgraph demo --dir demo --people 2000

# The whole suite; the Neo4j half runs against the project's local Neo4j, which the tests start and stop.
# The Browser test needs Chromium: installed here when missing and the machine can (root + apt-get).
test: setup
	tools/ensure-chromium.sh
	IDGRAPH_REQUIRE_NEO4J=$${IDGRAPH_REQUIRE_NEO4J:-1} $(BIN)/pytest -q

test-fast: setup
	$(BIN)/pytest -q -m "not neo4j"

test-neo4j: setup
	tools/ensure-chromium.sh
	IDGRAPH_REQUIRE_NEO4J=$${IDGRAPH_REQUIRE_NEO4J:-1} $(BIN)/pytest -q -m neo4j

lint-cypher: $(LINT_STAMP)
	node tools/cypher-lint/lint.mjs cypher/

neo4j:
	tools/neo4j/neo4j.sh start

neo4j-stop:
	tools/neo4j/neo4j.sh stop

# The pipeline at 100,000 people: each stage with seconds, rows/s and peak memory (benchmarks/bench_pipeline.py).
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_pipeline.py --people 100000

# The same, then Splink on the same records in the same run, and the ratio pipeline / Splink.
bench-splink: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_pipeline.py --people 100000 --splink

# Accuracy on several data sets (own generator, FEBRL1-4, retail_eu) next to Splink; see docs/matching.md.
bench-accuracy: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_accuracy.py --splink

clean:
	rm -rf demo export quarantine .pytest_cache
