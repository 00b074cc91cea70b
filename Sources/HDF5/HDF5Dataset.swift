import CHDF5
import Foundation

/// An open HDF5 dataset: numeric arrays (row-major) or 1-D text. Single rows are read and written as
/// hyperslabs of the first dimension, so a frame of a [T, H, W, C] dataset costs one chunk.
public final class HDF5Dataset {
    public let file: HDF5File
    public let path: String
    public let shape: [Int]
    public let elementType: HDF5ElementType
    let handle: HDF5Handle
    private var encoderByKind: [HDF5ScalarKind: HDF5ChunkEncoder?] = [:]

    init(file: HDF5File, path: String, id: hid_t) throws {
        self.file = file; self.path = path
        self.handle = HDF5Handle(id) { H5Dclose($0) }
        let space = H5Dget_space(id)
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        var dims = [hsize_t](repeating: 0, count: max(rank, 0))
        if rank > 0 { H5Sget_simple_extent_dims(space, &dims, nil) }
        shape = dims.map { Int($0) }
        let type = H5Dget_type(id)
        defer { H5Tclose(type) }
        elementType = HDF5ElementType.of(type: type)
    }

    public var attributes: HDF5Attributes { HDF5Attributes(owner: self, id: handle.id, objectName: file.describe(path)) }

    public var count: Int { shape.reduce(1, *) }
    /// Values in one row (one index of the first dimension).
    public var rowCount: Int { shape.dropFirst().reduce(1, *) }

    private var object: String { file.describe(path) }

    /// Bytes the dataset occupies in the file (after compression).
    public func storageSize() -> Int { Int(H5Dget_storage_size(handle.id)) }

    /// The chunk shape, or nil for contiguous storage.
    public func chunkShape() -> [Int]? {
        let dcpl = H5Dget_create_plist(handle.id)
        defer { H5Pclose(dcpl) }
        guard H5Pget_layout(dcpl) == H5D_CHUNKED else { return nil }
        var dims = [hsize_t](repeating: 0, count: shape.count)
        H5Pget_chunk(dcpl, Int32(dims.count), &dims)
        return dims.map { Int($0) }
    }

    /// Names of the filters in the pipeline (e.g. ["shuffle", "deflate"]).
    public func filterNames() -> [String] {
        let dcpl = H5Dget_create_plist(handle.id)
        defer { H5Pclose(dcpl) }
        let n = H5Pget_nfilters(dcpl)
        return (0..<max(n, 0)).map { i in
            var flags: UInt32 = 0
            var nElements = 8
            var values = [UInt32](repeating: 0, count: 8)
            var name = [CChar](repeating: 0, count: 64)
            var config: UInt32 = 0
            H5Pget_filter2(dcpl, UInt32(i), &flags, &nElements, &values, name.count, &name, &config)
            return String(cString: name)
        }
    }

    /// True when the chunks carry HDF5's Fletcher-32 checksum (verified by every read).
    public var hasChecksum: Bool {
        HDF5Library.silence()
        let dcpl = H5Dget_create_plist(handle.id)
        defer { H5Pclose(dcpl) }
        var flags: UInt32 = 0
        var nElements = 0
        var config: UInt32 = 0
        let found = H5Pget_filter_by_id2(dcpl, H5Z_filter_t(H5Z_FILTER_FLETCHER32), &flags, &nElements, nil, 0, nil, &config)
        if found < 0 { H5Eclear2(h5e_default()) }
        return found >= 0
    }

    // MARK: numeric writes

    public func write<T: HDF5Scalar>(_ data: [T]) throws {
        try data.withUnsafeBufferPointer { try write($0) }
    }

    public func write<T: HDF5Scalar>(_ data: UnsafeBufferPointer<T>) throws {
        HDF5Library.silence()
        guard data.count == count else {
            throw HDF5Error.mismatch(operation: "write", object: object, detail: "\(data.count) values given for shape \(shape)")
        }
        if count == 0 { return }
        try HDF5Library.check(H5Dwrite(handle.id, T.hdf5Kind.nativeType, H5S_ALL, H5S_ALL, h5p_default(), data.baseAddress),
                              "write", object)
    }

    /// Writes one row (index `row` of the first dimension).
    public func write<T: HDF5Scalar>(row: Int, _ data: [T]) throws {
        try data.withUnsafeBufferPointer { try write(row: row, $0) }
    }

    public func write<T: HDF5Scalar>(row: Int, _ data: UnsafeBufferPointer<T>) throws {
        HDF5Library.silence()
        guard data.count == rowCount else {
            throw HDF5Error.mismatch(operation: "write row \(row) of", object: object,
                                     detail: "\(data.count) values given, a row of shape \(shape) has \(rowCount)")
        }
        if let encoder = chunkEncoder(for: T.self) {
            try writeEncodedRow(row: row, data, encoder: encoder)
            return
        }
        try withRowSelection(row, "write row \(row) of") { memSpace, fileSpace in
            try HDF5Library.check(H5Dwrite(handle.id, T.hdf5Kind.nativeType, memSpace, fileSpace, h5p_default(), data.baseAddress),
                                  "write row \(row) of", object)
        }
    }

    /// The `HDF5ChunkEncoder` for rows of `T`, made on the first row written (nil: libhdf5 filters the rows).
    private func chunkEncoder<T: HDF5Scalar>(for type: T.Type) -> HDF5ChunkEncoder? {
        if let made = encoderByKind[T.hdf5Kind] { return made }
        let made = makeChunkEncoder(as: T.self)
        encoderByKind[T.hdf5Kind] = .some(made)
        return made
    }

    // MARK: numeric reads

    /// The whole dataset, converted to T.
    public func read<T: HDF5Scalar>(as: T.Type = T.self) throws -> [T] {
        HDF5Library.silence()
        try requireNumeric("read")
        var values = [T](repeating: T(), count: count)
        if count == 0 { return values }
        try values.withUnsafeMutableBufferPointer {
            try HDF5Library.check(H5Dread(handle.id, T.hdf5Kind.nativeType, H5S_ALL, H5S_ALL, h5p_default(), $0.baseAddress),
                                  "read", object)
        }
        return values
    }

    /// One row (index `row` of the first dimension), converted to T.
    public func read<T: HDF5Scalar>(row: Int, as: T.Type = T.self) throws -> [T] {
        HDF5Library.silence()
        try requireNumeric("read row \(row) of")
        var values = [T](repeating: T(), count: rowCount)
        try withRowSelection(row, "read row \(row) of") { memSpace, fileSpace in
            try values.withUnsafeMutableBufferPointer {
                try HDF5Library.check(H5Dread(handle.id, T.hdf5Kind.nativeType, memSpace, fileSpace, h5p_default(), $0.baseAddress),
                                      "read row \(row) of", object)
            }
        }
        return values
    }

    private func requireNumeric(_ operation: String) throws {
        guard case .scalar = elementType else {
            throw HDF5Error.mismatch(operation: operation, object: object, detail: "it holds \(elementType), not numbers")
        }
    }

    private func withRowSelection(_ row: Int, _ operation: String, _ body: (hid_t, hid_t) throws -> Void) throws {
        guard !shape.isEmpty, row >= 0, row < shape[0] else {
            throw HDF5Error.mismatch(operation: operation, object: object, detail: "row \(row) is outside shape \(shape)")
        }
        let fileSpace = H5Dget_space(handle.id)
        defer { H5Sclose(fileSpace) }
        var start = [hsize_t](repeating: 0, count: shape.count)
        start[0] = hsize_t(row)
        var rowShape = shape.map { hsize_t($0) }
        rowShape[0] = 1
        try HDF5Library.check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &rowShape, nil), operation, object)
        let memSpace = H5Screate_simple(Int32(rowShape.count), &rowShape, nil)
        defer { H5Sclose(memSpace) }
        try body(memSpace, fileSpace)
    }

    // MARK: text

    /// Writes all strings of a 1-D text dataset.
    public func writeStrings(_ strings: [String]) throws {
        HDF5Library.silence()
        guard strings.count == count else {
            throw HDF5Error.mismatch(operation: "write", object: object, detail: "\(strings.count) strings given for shape \(shape)")
        }
        if count == 0 { return }
        let type = makeVariableStringType()
        defer { H5Tclose(type) }
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        try pointers.withUnsafeBufferPointer {
            try HDF5Library.check(H5Dwrite(handle.id, type, H5S_ALL, H5S_ALL, h5p_default(), $0.baseAddress), "write", object)
        }
    }

    /// Reads all strings (variable- or fixed-length) of a text dataset.
    public func readStrings() throws -> [String] {
        HDF5Library.silence()
        guard case let .string(vlen) = elementType else {
            throw HDF5Error.mismatch(operation: "read text from", object: object, detail: "it holds \(elementType), not text")
        }
        if count == 0 { return [] }
        if vlen {
            let mem = makeVariableStringType()
            defer { H5Tclose(mem) }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try HDF5Library.check(H5Dread(handle.id, mem, H5S_ALL, H5S_ALL, h5p_default(), &pointers), "read", object)
            let result = pointers.map { $0.map { String(cString: $0) } ?? "" }
            let space = H5Dget_space(handle.id)
            defer { H5Sclose(space) }
            H5Dvlen_reclaim(mem, space, h5p_default(), &pointers)
            return result
        }
        let type = H5Dget_type(handle.id)
        defer { H5Tclose(type) }
        let size = H5Tget_size(type)
        var bytes = [UInt8](repeating: 0, count: size * count)
        try HDF5Library.check(H5Dread(handle.id, type, H5S_ALL, H5S_ALL, h5p_default(), &bytes), "read", object)
        return decodeFixedStrings(bytes, size: size, count: count)
    }
}
