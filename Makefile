# The README names these targets. `make demo` and `make test` are the two commands.
.PHONY: demo test setup lint messages bench bench-import bench-series

demo:
	scripts/demo.sh

test:
	scripts/test.sh

setup:
	scripts/setup.sh

lint:
	scripts/lint.sh

messages:
	scripts/messages.sh

# The national-scale benchmark (bench/README.md); not part of `make test`. Options: BENCH="--scale 0.01 --db postgresql"
bench:
	scripts/bench.sh $(BENCH)

# The web import of a CSV file at the upload limit (bench/README.md, "Web import"). Options:
# BENCH_IMPORT="--db postgresql --sizes 1048576,2097152,5242880"
bench-import:
	scripts/bench.sh --import $(BENCH_IMPORT)

# How each page's time and query count grow with history: the benchmark at scales 0.1, 0.3 and 1.0 (bench/README.md,
# "Growth with history"). Options: BENCH_SERIES="--db postgresql --scales 0.1,1.0"
bench-series:
	scripts/bench.sh --series --run $(BENCH_SERIES)
