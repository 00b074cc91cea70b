// FFTW 3 (single precision, libfftw3f). Plans are made once per grid with FFTW_ESTIMATE (no timing, so
// the same plan and the same sums on every run) and executed on the wrapper's own aligned buffers.
#include <fftw3.h>
