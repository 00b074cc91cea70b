// HDF5 1.10: macros and globals that Swift cannot import, wrapped as functions.
#include <hdf5.h>
