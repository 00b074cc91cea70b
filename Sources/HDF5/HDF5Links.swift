import CHDF5

/// Copying objects between files and HDF5 external links: what `cliport dataset merge` and the shard
/// assembly of `cliport demos` need (a merged dataset points at the shards' groups instead of copying images).
extension HDF5Group {
    /// Copies member `name` (a group with everything below it, or a dataset) to `newName` in `destination`,
    /// which may be in another file. Chunks are copied as stored: compressed images are not recompressed.
    public func copyMember(_ name: String, to destination: HDF5Group, as newName: String) throws {
        HDF5Library.silence()
        try destination.createMissingParents(of: newName)
        try HDF5Library.check(H5Ocopy(handle.id, name, destination.handle.id, newName, h5p_default(), h5p_default()),
                              "copy \(file.describe(childPath(name))) to", destination.file.describe(destination.childPath(newName)))
    }

    /// Creates `name` in this group as an external link to `object` (an absolute path) in the file `targetFile`.
    /// A relative `targetFile` is resolved by HDF5 against the folder of the file holding the link first
    /// (then the working directory), so a merged file can move together with its shards.
    public func createExternalLink(_ name: String, file targetFile: String, object: String) throws {
        HDF5Library.silence()
        try createMissingParents(of: name)
        try HDF5Library.check(H5Lcreate_external(targetFile, object, handle.id, name, h5p_default(), h5p_default()),
                              "create an external link to \(targetFile):\(object) at", file.describe(childPath(name)))
    }

    /// The file and object an external link `name` points to, or nil when `name` is a plain member.
    public func externalLinkTarget(_ name: String) throws -> (file: String, object: String)? {
        HDF5Library.silence()
        var info = H5L_info_t()
        try HDF5Library.check(H5Lget_info(handle.id, name, &info, h5p_default()), "inspect the link", file.describe(childPath(name)))
        guard info.type == H5L_TYPE_EXTERNAL else { return nil }
        var buffer = [UInt8](repeating: 0, count: Int(info.u.val_size) + 1)
        try HDF5Library.check(H5Lget_val(handle.id, name, &buffer, buffer.count, h5p_default()),
                              "read the link", file.describe(childPath(name)))
        let object = file.describe(childPath(name))
        return try buffer.withUnsafeMutableBytes { raw -> (file: String, object: String)? in
            var flags: UInt32 = 0
            var filePointer: UnsafePointer<CChar>?
            var objectPointer: UnsafePointer<CChar>?
            try HDF5Library.check(H5Lunpack_elink_val(raw.baseAddress, raw.count - 1, &flags, &filePointer, &objectPointer),
                                  "unpack the link", object)
            guard let filePointer, let objectPointer else { return nil }
            return (String(cString: filePointer), String(cString: objectPointer))
        }
    }

    /// True when member `name` is a link whose target can be opened (a dangling external link gives false).
    public func resolves(_ name: String) -> Bool {
        HDF5Library.silence()
        let r = H5Oexists_by_name(handle.id, name, HDF5Library.readOnlyExternalLinks)
        if r < 0 { H5Eclear2(h5e_default()) }
        return r > 0
    }
}
