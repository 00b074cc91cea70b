#!/usr/bin/env bash
# The Python package's tests (python/tests), run by `make test` after the Swift tests. They need torch,
# robomimic and lerobot: installed once into ONE virtual environment, .build/pyvenv, kept between runs
# (the stamp holds the requirements it was made from; a change of python/tests/requirements*.txt reinstalls).
# The package itself is reinstalled from ./python every run (`pip install ./python`: seconds once numpy and
# h5py are there).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.build/pyvenv
REQ=python/tests/requirements.txt
NODEPS=python/tests/requirements-nodeps.txt
STAMP=$VENV/.requirements
PYTHON=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ] || ! cat "$REQ" "$NODEPS" | cmp -s - "$STAMP"; then
	echo "python-tests: installing $REQ into $VENV (first run: large downloads, PyPI's torch with its CUDA wheels)"
	rm -rf "$VENV"
	"$PYTHON" -m venv "$VENV"
	"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ"
	"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$NODEPS"
	cat "$REQ" "$NODEPS" > "$STAMP"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-build-isolation ./python
export CLIPORT_BIN=${CLIPORT_BIN:-$PWD/.build/debug/cliport}
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 WANDB_MODE=disabled
# Tests import the package as installed above (the same code as python/cliport_data).
exec "$VENV/bin/python" -m unittest discover -s python/tests -t python "$@"
