#include <mpi.h>

// Open MPI's predefined handles are macros over incomplete extern structs, which Swift cannot import.
static inline MPI_Comm swmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype swmpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype swmpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype swmpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op swmpi_sum(void) { return MPI_SUM; }
static inline MPI_Op swmpi_max(void) { return MPI_MAX; }
static inline void *swmpi_in_place(void) { return MPI_IN_PLACE; }
