// OpenBLAS (pthread build).
#include <cblas.h>
