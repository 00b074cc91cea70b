#!/usr/bin/env bash
# The Python tests, run by `make test` after the Swift tests: the package's (python/tests: the reader,
# CLIPort's dataset, robomimic and LeRobot) and the hand-eye calibration's (scripts/bridges/tests). They run
# in the one test environment, .build/pyvenv (scripts/test-venv.sh makes or updates it).
# The package itself is reinstalled from ./python every run (`pip install ./python`: seconds once numpy and
# h5py are there).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.build/pyvenv
scripts/test-venv.sh
"$VENV/bin/pip" install --quiet --disable-pip-version-check --no-build-isolation ./python
export CLIPORT_BIN=${CLIPORT_BIN:-$PWD/.build/debug/cliport}
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 WANDB_MODE=disabled
# Tests import the package as installed above (the same code as python/cliport_data).
status=0
"$VENV/bin/python" -m unittest discover -s python/tests -t python "$@" || status=1
"$VENV/bin/python" -m unittest discover -s scripts/bridges/tests "$@" || status=1
exit $status
