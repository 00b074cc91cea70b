import CHDF5

/// One filter of a row-chunked dataset's pipeline that this package encodes and decodes itself.
enum HDF5RowFilter: Sendable, Equatable { case shuffle, deflate(level: Int), fletcher32 }

extension HDF5Dataset {
    /// The filter pipeline, in order, of a dataset whose chunks are one row each (chunk [1, ...]) stored
    /// in the native layout of `T` and filtered only by shuffle, deflate and Fletcher-32; nil otherwise.
    /// The raw chunk encoder and decoder both start from it.
    func rowChunkFilters<T: HDF5Scalar>(as: T.Type) -> [HDF5RowFilter]? {
        guard let chunk = chunkShape(), chunk.first == 1, Array(chunk.dropFirst()) == Array(shape.dropFirst()) else { return nil }
        let fileType = H5Dget_type(handle.id)
        defer { H5Tclose(fileType) }
        guard H5Tequal(fileType, T.hdf5Kind.nativeType) > 0 else { return nil }
        let dcpl = H5Dget_create_plist(handle.id)
        defer { H5Pclose(dcpl) }
        var filters: [HDF5RowFilter] = []
        for i in 0..<max(H5Pget_nfilters(dcpl), 0) {
            var flags: UInt32 = 0
            var nElements = 8
            var values = [UInt32](repeating: 0, count: 8)
            var name = [CChar](repeating: 0, count: 64)
            var config: UInt32 = 0
            let id = H5Pget_filter2(dcpl, UInt32(i), &flags, &nElements, &values, name.count, &name, &config)
            switch id {
            case H5Z_filter_t(H5Z_FILTER_DEFLATE): filters.append(.deflate(level: nElements >= 1 ? Int(values[0]) : 6))
            case H5Z_filter_t(H5Z_FILTER_SHUFFLE): filters.append(.shuffle)
            case H5Z_filter_t(H5Z_FILTER_FLETCHER32): filters.append(.fletcher32)
            default: return nil
            }
        }
        return filters
    }
}
