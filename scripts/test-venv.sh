#!/usr/bin/env bash
# The one Python environment of the tests, .build/pyvenv: torch, robomimic and lerobot for the interop tests
# (python/tests), pyrealsense2 and OpenCV for the hardware bridges' tests (scripts/bridges). Made once and kept
# between runs; the stamp holds the requirements it was made from, and a change of
# python/tests/requirements*.txt installs what changed into the same environment. Prints nothing when the
# environment is up to date. `make test` runs it before the Swift tests (the bridge tests use its Python).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.build/pyvenv
REQ=python/tests/requirements.txt
NODEPS=python/tests/requirements-nodeps.txt
STAMP=$VENV/.requirements
PYTHON=${PYTHON:-python3}
if [ -x "$VENV/bin/python" ] && cat "$REQ" "$NODEPS" | cmp -s - "$STAMP"; then
	exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
	echo "test-venv: making $VENV from $REQ (first run: large downloads, PyPI's torch with its CUDA wheels)"
	rm -rf "$VENV"
	"$PYTHON" -m venv "$VENV"
else
	echo "test-venv: $REQ changed; installing what changed into $VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$NODEPS"
cat "$REQ" "$NODEPS" > "$STAMP"
