import CHDF5

/// An open HDF5 file. Closing happens on `close()` or when the last reference goes away; groups and
/// datasets keep their file alive.
public final class HDF5File {
    public enum Mode: Sendable { case readOnly, readWrite }

    public let path: String
    public let mode: Mode
    let handle: HDF5Handle

    private init(path: String, mode: Mode, id: hid_t) {
        self.path = path; self.mode = mode
        self.handle = HDF5Handle(id) { H5Fclose($0) }
    }

    /// Creates a new file, replacing an existing one only when `overwrite` is true. Objects carry no
    /// timestamps (see `HDF5Library.untimed`), so the same content gives the same bytes.
    public static func create(_ path: String, overwrite: Bool = true) throws -> HDF5File {
        HDF5Library.silence()
        let flags = overwrite ? h5f_acc_trunc() : h5f_acc_excl()
        let id = try HDF5Library.untimed(h5p_file_create(), "create file", path) { fcpl in
            // Chunk indexes (version-1 B-trees) are allocated whole: 2.6 KB each at HDF5's default of up to 64
            // chunks per node. Our chunked datasets have one chunk per step or a single chunk, so nodes of up
            // to 8 chunks keep small arrays small (~0.4 KB) and only add a level above 8 steps.
            try HDF5Library.check(H5Pset_istore_k(fcpl, HDF5File.chunkIndexHalfWidth), "set the chunk index size of", path)
            return try HDF5Library.check(H5Fcreate(path, flags, fcpl, h5p_default()), "create file", path)
        }
        return HDF5File(path: path, mode: .readWrite, id: id)
    }

    /// Half the number of chunks one node of a chunk index holds (`H5Pset_istore_k`; HDF5's default is 32).
    static let chunkIndexHalfWidth: UInt32 = 4

    /// Opens an existing file.
    public static func open(_ path: String, mode: Mode = .readOnly) throws -> HDF5File {
        HDF5Library.silence()
        let flags = mode == .readOnly ? h5f_acc_rdonly() : h5f_acc_rdwr()
        let id = try HDF5Library.check(H5Fopen(path, flags, h5p_default()), "open file", path)
        return HDF5File(path: path, mode: mode, id: id)
    }

    /// True when `path` exists and starts with the HDF5 signature.
    public static func isHDF5(_ path: String) -> Bool {
        HDF5Library.silence()
        let r = H5Fis_hdf5(path)
        H5Eclear2(h5e_default())
        return r > 0
    }

    /// The root group "/".
    public func root() throws -> HDF5Group {
        try HDF5Group.open(in: self, parentID: handle.id, name: "/", path: "/")
    }

    /// Convenience: the group at an absolute or root-relative path.
    public func group(_ path: String) throws -> HDF5Group { try root().group(path) }

    /// Convenience: the dataset at an absolute or root-relative path.
    public func dataset(_ path: String) throws -> HDF5Dataset { try root().dataset(path) }

    /// Pushes everything buffered in the library to the operating system (not to the disk: see fsync).
    public func flush() throws {
        HDF5Library.silence()
        try HDF5Library.check(H5Fflush(handle.id, H5F_SCOPE_GLOBAL), "flush", path)
    }

    /// Closes the file id. Objects still open keep the file open inside HDF5 until they close.
    public func close() throws {
        HDF5Library.silence()
        try flushIfWritable()
        handle.close()
    }

    private func flushIfWritable() throws {
        if mode == .readWrite { try flush() }
    }

    /// Size of the file in bytes as HDF5 sees it.
    public func fileSize() throws -> Int {
        var size: hsize_t = 0
        try HDF5Library.check(H5Fget_filesize(handle.id, &size), "get the size of", path)
        return Int(size)
    }

    func describe(_ object: String) -> String { "\(path):\(object)" }
}
