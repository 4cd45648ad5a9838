# The README names these targets. `make demo` and `make test` are the two commands.
.PHONY: demo test setup lint messages bench

demo:
	scripts/demo.sh

test:
	scripts/test.sh

setup:
	scripts/setup.sh

lint:
	.venv/bin/ruff check edmonitor

messages:
	scripts/messages.sh

# The national-scale benchmark (bench/README.md); not part of `make test`. Options: BENCH="--scale 0.01 --db postgresql"
bench:
	scripts/bench.sh $(BENCH)
