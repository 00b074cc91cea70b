import HDF5

/// Turns a failed HDF5 write into an error that names the file and says what to do.
enum DatasetWriteError {
    static func classify(_ error: Error, path: String) -> Error {
        guard let hdf5 = error as? HDF5Error else { return error }
        if hdf5.isDiskFull { return DatasetError.cannotWrite(path: path, reason: "the disk is full", fix: .freeSpace) }
        let text = hdf5.description
        if text.contains("Permission denied") || text.contains("Read-only file system") {
            return DatasetError.cannotWrite(path: path, reason: "the folder is not writable", fix: .writableFolder)
        }
        return DatasetError.cannotWrite(path: path, reason: text, fix: .checkFolder)
    }

    static func wrap<R>(_ path: String, _ body: () throws -> R) throws -> R {
        do { return try body() } catch { throw classify(error, path: path) }
    }
}
