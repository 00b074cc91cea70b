"""Test data for the Python package's tests: real datasets made by this checkout's `cliport demos`, once per
test run, in a temporary folder (the binary is CLIPORT_BIN, else .build/debug/cliport, else .build/release)."""

import atexit
import os
import shutil
import subprocess
import tempfile
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_ROOT = None
_MADE = {}


def cliport_bin():
    for path in (os.environ.get("CLIPORT_BIN"), os.path.join(REPO, ".build/debug/cliport"),
                 os.path.join(REPO, ".build/release/cliport")):
        if path and os.access(path, os.X_OK):
            return path
    raise unittest.SkipTest("no cliport binary: run `swift build` first (or set CLIPORT_BIN)")


def run_cliport(*args, check=True):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    result = subprocess.run([cliport_bin(), *map(str, args)], capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"cliport {' '.join(map(str, args))} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def root():
    global _ROOT
    if _ROOT is None:
        _ROOT = tempfile.mkdtemp(prefix="cliport-python-tests-")
        atexit.register(shutil.rmtree, _ROOT, True)
    return _ROOT


def demos(task, n=2, split="train", shard_size=None):
    """The folder of `n` oracle episodes of `task` (made once per run)."""
    key = (task, n, split, shard_size)
    if key not in _MADE:
        out = os.path.join(root(), f"n{n}-s{shard_size or 0}")
        args = ["demos", "--task", task, "--split", split, "--n", n, "--out", out, "--look", "plain", "--workers", 1]
        if shard_size:
            args += ["--episodes-per-shard", shard_size]
        run_cliport(*args)
        _MADE[key] = os.path.join(out, f"{task}-{split}")
    return _MADE[key]


def scratch(name):
    path = os.path.join(root(), name)
    os.makedirs(path, exist_ok=True)
    return path


def fixture(task):
    """The dataset the tests share for `task`: put-block-in-bowl with 3 episodes over 2 shards (2 to 10 objects),
    any other task with 2 episodes in one shard."""
    if task == "put-block-in-bowl-seen-colors":
        return demos(task, n=3, shard_size=2)
    return demos(task, n=2)
