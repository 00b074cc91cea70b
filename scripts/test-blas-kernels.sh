#!/usr/bin/env bash
# Runs the model tests once per OpenBLAS kernel family this CPU can execute (issue #15: numerical tests
# must hold under any summation order, not only the kernel OpenBLAS picks here). Each run's kernel is
# checked by BLASTests (OpenBLAS silently ignores a name it does not know). Needs a built test bundle.
# Usage: [BLAS_KERNELS="Haswell Zen"] [BLAS_KERNEL_DONE=Cooperlake] scripts/test-blas-kernels.sh [test filter, default ModelTests]
# Prints "kernels: N runs, F failed" last; exit status 1 if any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
FILTER=${1:-ModelTests}
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
has() { for f in "$@"; do [[ $flags == *" $f "* ]] || return 1; done; }

# The x86-64 families with distinct single-precision kernels, oldest first; each needs the listed flags.
kernels=(Prescott)
has sse4_2 && kernels+=(Nehalem)
has avx && kernels+=(Sandybridge)
has avx2 fma && kernels+=(Haswell Zen)
has avx512f avx512bw avx512vl avx512dq avx512cd && kernels+=(SkylakeX)
has avx512f avx512bw avx512vl avx512dq avx512cd avx512_bf16 && kernels+=(Cooperlake)
if [[ -n ${BLAS_KERNELS:-} ]]; then read -ra kernels <<< "$BLAS_KERNELS"; fi
# A kernel the caller has just run the tests under (make test's first run) is not run again.
if [[ -n ${BLAS_KERNEL_DONE:-} ]]; then
    for i in "${!kernels[@]}"; do [[ ${kernels[$i],,} == "${BLAS_KERNEL_DONE,,}" ]] && unset 'kernels[i]'; done
    kernels=("${kernels[@]}")
    echo "kernel $BLAS_KERNEL_DONE: run above"
fi

failed=0
for k in "${kernels[@]}"; do
    log=.build/test-kernel-$k.log
    start=$SECONDS
    OPENBLAS_CORETYPE=$k "$SWIFT" test --skip-build --disable-swift-testing --filter "$FILTER" >"$log" 2>&1
    status=$?
    summary=$(grep -E "^\s*Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -1 | sed -E 's/^\s*//')
    in_use=$(grep -m1 -oE "OpenBLAS kernel in use: [A-Za-z0-9]+" "$log" | sed 's/.*: //')
    echo "kernel $k (in use: ${in_use:-?}): ${summary:-no summary} [$((SECONDS - start)) s wall]"
    if [[ $status -ne 0 ]]; then
        failed=$((failed + 1))
        grep -E "error:" "$log" | head -5
    fi
done
echo "kernels: ${#kernels[@]} runs, $failed failed"
[[ $failed -eq 0 ]]
