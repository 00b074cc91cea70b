// OpenBLAS (pthread build).
#include <cblas.h>

// DYNAMIC_ARCH kernel selection, exported by Debian's libopenblas but not declared in cblas.h.
// OpenBLAS picks its kernels once at load time; on CPUs newer than its tables (for example this
// project's Xeon with AVX-512 FP16) it falls back to "Prescott" (SSE3), 3-5x slower. Re-running the
// selection after setting OPENBLAS_CORETYPE switches kernels in-process (see BLAS.selectCore).
extern void gotoblas_dynamic_init(void);
extern void gotoblas_dynamic_quit(void);

// Ends the worker threads OpenBLAS starts at load; the next threaded call starts them again (exec_blas
// re-initialises a pool that is down, as after fork). Exported by libopenblas, not declared in cblas.h.
extern void blas_thread_shutdown_(void);
