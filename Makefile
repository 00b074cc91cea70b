# cliport: the two commands of the quick start are `make demo` and `make test`; both install what they need.
SHELL := /bin/bash
SWIFT ?= swift
BIN := .build/release/cliport
DEMO_DIR := datasets/put-block-in-bowl-seen-colors-train

# Debian packages the project builds and tests against (see docs/architecture.md for why each).
DEBIAN_PACKAGES := libmujoco-dev libegl-dev libegl-mesa0 libgl1-mesa-dri libhdf5-dev hdf5-tools \
	libpng-dev libopenblas-dev zlib1g-dev libisal-dev libfftw3-dev libdnnl-dev libopenmpi-dev libavcodec-dev libavformat-dev libswscale-dev libavutil-dev openmpi-bin libusb-1.0-0 python3-h5py python3-numpy python3-pip chromium

.PHONY: setup build demo test test-kernels python-test bench clean

setup:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "setup: installing Debian packages:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@scripts/fetch-clip-vocab.sh datasets/clip/bpe_simple_vocab_16e6.txt.gz

build: setup
	$(SWIFT) build -c release --product cliport

demo: build
	$(BIN) demos --task put-block-in-bowl-seen-colors --split train --n 10 --out datasets/
	$(BIN) dataset info $(DEMO_DIR)

# XCTest only (no Swift Testing suites here), serial so its summary closes the log; then the model tests
# once more under each other OpenBLAS kernel this CPU runs (numerical tests must hold under any summation
# order; scripts/test-blas-kernels.sh), then the Python package's tests (python/tests: the reader, CLIPort's
# dataset, robomimic and LeRobot against the Swift tools; the hand-eye calibration). Their virtual
# environment, .build/pyvenv (scripts/test-venv.sh), is made first: the Swift tests of the hardware bridges
# run its Python. The last line restates the first run as "tests: N passed, F failed, S skipped".
test: setup
	$(SWIFT) build --build-tests
	scripts/test-venv.sh
	@set -o pipefail; CLIPORT_BRIDGE_PYTHON=$$PWD/.build/pyvenv/bin/python $(SWIFT) test --skip-build --disable-swift-testing 2>&1 | tee .build/test.log; status=$$?; \
	first_kernel=$$(grep -m1 -oE "OpenBLAS kernel in use: [A-Za-z0-9]+" .build/test.log | sed 's/.*: //'); \
	SWIFT=$(SWIFT) BLAS_KERNEL_DONE=$$first_kernel scripts/test-blas-kernels.sh ModelTests || status=1; \
	scripts/python-tests.sh || status=1; \
	summary=$$(grep -E "^\s*Executed [0-9]+ tests?, with ([0-9]+ tests? skipped and )?[0-9]+ failures?" .build/test.log | tail -1); \
	total=$$(echo "$$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/'); \
	skipped=$$(echo "$$summary" | sed -E -n 's/.*with ([0-9]+) tests? skipped.*/\1/p'); skipped=$${skipped:-0}; \
	failed=$$(echo "$$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/'); \
	echo "tests: $$((total - failed - skipped)) passed, $$failed failed, $$skipped skipped"; exit $$status

# Only the kernel matrix of the model tests (after a build of the tests).
test-kernels:
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) scripts/test-blas-kernels.sh ModelTests

# Only the Python package's tests (after a build: they run this checkout's cliport).
python-test:
	$(SWIFT) build --product cliport
	scripts/python-tests.sh

bench: build
	$(BIN) bench demos
	$(BIN) demos --task put-block-in-bowl-seen-colors --split train --n 100 --out .build/loader-data
	$(BIN) bench loader --data .build/loader-data
	$(BIN) bench model --model transporter
	$(BIN) bench model --model cliport
	$(BIN) bench train

clean:
	rm -rf .build
