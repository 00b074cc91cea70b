// HDF5 1.10: macros and globals that Swift cannot import, wrapped as functions.
#include <hdf5.h>
// zlib: decompress raw chunks (H5Dread_chunk) outside libhdf5's global lock, see HDF5RawChunk.swift.
#include <zlib.h>

// Native types (the macros expand to H5open() plus a mutable global).
static inline hid_t h5_native_uint8(void)  { return H5T_NATIVE_UINT8; }
static inline hid_t h5_native_int8(void)   { return H5T_NATIVE_INT8; }
static inline hid_t h5_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t h5_native_int16(void)  { return H5T_NATIVE_INT16; }
static inline hid_t h5_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t h5_native_int32(void)  { return H5T_NATIVE_INT32; }
static inline hid_t h5_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t h5_native_int64(void)  { return H5T_NATIVE_INT64; }
static inline hid_t h5_native_float(void)  { return H5T_NATIVE_FLOAT; }
static inline hid_t h5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t h5_c_s1(void)          { return H5T_C_S1; }

// Property list classes.
static inline hid_t h5p_file_create(void)    { return H5P_FILE_CREATE; }
static inline hid_t h5p_file_access(void)    { return H5P_FILE_ACCESS; }
static inline hid_t h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t h5p_dataset_access(void) { return H5P_DATASET_ACCESS; }
static inline hid_t h5p_link_create(void)    { return H5P_LINK_CREATE; }
static inline hid_t h5p_group_create(void)   { return H5P_GROUP_CREATE; }
static inline hid_t h5p_group_access(void)   { return H5P_GROUP_ACCESS; }
static inline hid_t h5p_default(void)        { return H5P_DEFAULT; }
static inline hid_t h5e_default(void)        { return H5E_DEFAULT; }

// File access flags (H5CHECK H5OPEN expressions, not imported).
static inline unsigned h5f_acc_trunc(void)  { return H5F_ACC_TRUNC; }
static inline unsigned h5f_acc_excl(void)   { return H5F_ACC_EXCL; }
static inline unsigned h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned h5f_acc_rdwr(void)   { return H5F_ACC_RDWR; }

static inline hsize_t h5s_unlimited(void) { return H5S_UNLIMITED; }
static inline size_t h5t_variable(void)   { return H5T_VARIABLE; }
