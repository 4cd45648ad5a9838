# The README names these targets. `make demo` and `make test` are the two commands.
.PHONY: demo test setup lint messages

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
