# The two commands a new user needs (see README.md).
.PHONY: report test test-fast bench

# Build the bilingual report, handout, slides and site from the bundled golden dataset into build/site.
report:
	scripts/setup.sh report
	.venv/bin/reportgen build --out build/site

# Install everything the tests need (apt packages, venv, a Docker daemon) and run the whole test suite.
test:
	scripts/setup.sh test
	.venv/bin/pytest -q -n auto --dist worksteal tests/unit
	.venv/bin/pytest -q -m "not slow" --ignore=tests/unit

# Unit tests only (no engines).
test-fast:
	.venv/bin/pytest -q -n auto --dist worksteal tests/unit

bench:
	.venv/bin/python bench/bench_report.py
