import CHDF5

/// What a group member is.
public enum HDF5ObjectKind: Sendable, Equatable { case group, dataset, other }

/// An open HDF5 group. Names may be paths ("data/demo_0/obs"); absolute paths start at the root.
public final class HDF5Group {
    public let file: HDF5File
    /// Absolute path inside the file, e.g. "/data/demo_0".
    public let path: String
    let handle: HDF5Handle

    init(file: HDF5File, path: String, id: hid_t) {
        self.file = file; self.path = path
        self.handle = HDF5Handle(id) { H5Gclose($0) }
    }

    static func open(in file: HDF5File, parentID: hid_t, name: String, path: String) throws -> HDF5Group {
        HDF5Library.silence()
        let id = try HDF5Library.check(H5Gopen2(parentID, name, HDF5Library.readOnlyExternalLinks), "open group", file.describe(path))
        return HDF5Group(file: file, path: path, id: id)
    }

    public var attributes: HDF5Attributes { HDF5Attributes(owner: self, id: handle.id, objectName: file.describe(path)) }

    /// The absolute path of a member name.
    public func childPath(_ name: String) -> String {
        if name.hasPrefix("/") { return name }
        return path == "/" ? "/" + name : path + "/" + name
    }

    // MARK: members

    /// True when `name` (a path, possibly nested) exists below this group.
    public func contains(_ name: String) -> Bool {
        HDF5Library.silence()
        var prefix = name.hasPrefix("/") ? "/" : ""
        for part in name.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix == "/" ? "" : "/") + part
            let r = H5Lexists(handle.id, prefix, h5p_default())
            if r <= 0 { H5Eclear2(h5e_default()); return false }
        }
        return true
    }

    /// The kind of member `name`, or nil if it does not exist.
    public func kind(of name: String) -> HDF5ObjectKind? {
        guard contains(name) else { return nil }
        let id = H5Oopen(handle.id, name, HDF5Library.readOnlyExternalLinks)
        guard id >= 0 else { H5Eclear2(h5e_default()); return nil }
        defer { H5Oclose(id) }
        switch H5Iget_type(id) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        default: return .other
        }
    }

    /// Names of the direct members, in HDF5's name order ("demo_10" sorts before "demo_2").
    public func memberNames() throws -> [String] {
        HDF5Library.silence()
        var info = H5G_info_t()
        try HDF5Library.check(H5Gget_info(handle.id, &info), "list the members of", file.describe(path))
        var names: [String] = []
        names.reserveCapacity(Int(info.nlinks))
        for i in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, h5p_default())
            guard length >= 0 else {
                throw HDF5Error.failed(operation: "list the members of", object: file.describe(path),
                                       detail: HDF5Library.errorStackMessage())
            }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, buffer.count, h5p_default())
            names.append(String(cString: buffer))
        }
        return names
    }

    /// Removes the link `name` (the space it used is not reclaimed until the file is repacked).
    public func removeMember(_ name: String) throws {
        HDF5Library.silence()
        try HDF5Library.check(H5Ldelete(handle.id, name, h5p_default()), "delete", file.describe(childPath(name)))
    }

    // MARK: groups

    /// Opens an existing group.
    public func group(_ name: String) throws -> HDF5Group {
        guard contains(name) else { throw HDF5Error.notFound(kind: "group '\(name)'", object: file.describe(path)) }
        return try HDF5Group.open(in: file, parentID: handle.id, name: name, path: childPath(name))
    }

    /// Creates a group, and any missing groups on its path (all without timestamps).
    public func createGroup(_ name: String) throws -> HDF5Group {
        HDF5Library.silence()
        try createMissingParents(of: name)
        let id = try HDF5Library.untimed(h5p_group_create(), "create group", file.describe(childPath(name))) { gcpl in
            try HDF5Library.check(H5Gcreate2(handle.id, name, h5p_default(), gcpl, h5p_default()),
                                  "create group", file.describe(childPath(name)))
        }
        return HDF5Group(file: file, path: childPath(name), id: id)
    }

    /// Creates the missing groups above `name` ("a/b" for "a/b/c") one by one, so that they too carry no
    /// timestamps (HDF5's own intermediate-group creation uses default, timestamped properties).
    func createMissingParents(of name: String) throws {
        let parts = name.split(separator: "/").dropLast()
        var prefix = name.hasPrefix("/") ? "/" : ""
        for part in parts {
            prefix += (prefix.isEmpty || prefix == "/" ? "" : "/") + part
            guard !contains(prefix) else { continue }
            let id = try HDF5Library.untimed(h5p_group_create(), "create group", file.describe(childPath(prefix))) { gcpl in
                try HDF5Library.check(H5Gcreate2(handle.id, prefix, h5p_default(), gcpl, h5p_default()),
                                      "create group", file.describe(childPath(prefix)))
            }
            H5Gclose(id)
        }
    }

    /// Opens the group if it exists, otherwise creates it.
    public func groupCreatingIfNeeded(_ name: String) throws -> HDF5Group {
        contains(name) ? try group(name) : try createGroup(name)
    }

    // MARK: datasets

    /// Opens an existing dataset.
    public func dataset(_ name: String) throws -> HDF5Dataset {
        guard contains(name) else { throw HDF5Error.notFound(kind: "dataset '\(name)'", object: file.describe(path)) }
        HDF5Library.silence()
        let id = try HDF5Library.check(H5Dopen2(handle.id, name, h5p_default()), "open dataset", file.describe(childPath(name)))
        return try HDF5Dataset(file: file, path: childPath(name), id: id)
    }

    /// Creates an empty numeric dataset of `shape` (missing groups on the path are created).
    public func createDataset<T: HDF5Scalar>(_ name: String, of: T.Type, shape: [Int],
                                             storage: HDF5Storage = .contiguous) throws -> HDF5Dataset {
        try createDataset(name, type: T.hdf5Kind.nativeType, shape: shape, storage: storage)
    }

    /// Creates a numeric dataset and writes `data` (row-major, `shape.product` values) into it.
    @discardableResult
    public func writeDataset<T: HDF5Scalar>(_ name: String, _ data: [T], shape: [Int],
                                            storage: HDF5Storage = .contiguous) throws -> HDF5Dataset {
        let dataset = try createDataset(name, of: T.self, shape: shape, storage: storage)
        try dataset.write(data)
        return dataset
    }

    /// Creates a 1-D dataset of variable-length UTF-8 strings (h5py reads it as `str` with `.asstr()`).
    @discardableResult
    public func writeStrings(_ name: String, _ strings: [String], storage: HDF5Storage = .contiguous) throws -> HDF5Dataset {
        let type = makeVariableStringType()
        defer { H5Tclose(type) }
        let dataset = try createDataset(name, type: type, shape: [strings.count], storage: storage)
        try dataset.writeStrings(strings)
        return dataset
    }

    func createDataset(_ name: String, type: hid_t, shape: [Int], storage: HDF5Storage) throws -> HDF5Dataset {
        HDF5Library.silence()
        let object = file.describe(childPath(name))
        var dims = shape.map { hsize_t($0) }
        let space = try HDF5Library.check(H5Screate_simple(Int32(dims.count), &dims, nil), "make a dataspace for", object)
        defer { H5Sclose(space) }
        let dcpl = try HDF5Library.check(H5Pcreate(h5p_dataset_create()), "make creation properties for", object)
        defer { H5Pclose(dcpl) }
        try HDF5Library.check(H5Pset_obj_track_times(dcpl, false), "turn off timestamps of", object)
        if let chunk = storage.chunk {
            guard chunk.count == shape.count, chunk.allSatisfy({ $0 > 0 }) else {
                throw HDF5Error.mismatch(operation: "create", object: object,
                                         detail: "chunk \(chunk) does not fit shape \(shape) (same rank, every size >= 1)")
            }
            var c = chunk.map { hsize_t($0) }
            try HDF5Library.check(H5Pset_chunk(dcpl, Int32(c.count), &c), "set the chunk of", object)
            for filter in storage.filters { try apply(filter, to: dcpl, object: object) }
        } else if !storage.filters.isEmpty {
            throw HDF5Error.mismatch(operation: "create", object: object, detail: "filters need a chunked layout; give a chunk shape")
        }
        try createMissingParents(of: name)
        let id = try HDF5Library.check(H5Dcreate2(handle.id, name, type, space, h5p_default(), dcpl, h5p_default()), "create dataset", object)
        return try HDF5Dataset(file: file, path: childPath(name), id: id)
    }

    private func apply(_ filter: HDF5Filter, to dcpl: hid_t, object: String) throws {
        let status: herr_t
        switch filter {
        case .shuffle: status = H5Pset_shuffle(dcpl)
        case let .deflate(level): status = H5Pset_deflate(dcpl, UInt32(min(max(level, 0), 9)))
        case let .scaleOffsetFloat(digits): status = H5Pset_scaleoffset(dcpl, H5Z_SO_FLOAT_DSCALE, Int32(digits))
        case let .scaleOffsetInteger(bits): status = H5Pset_scaleoffset(dcpl, H5Z_SO_INT, Int32(bits))
        case let .szipNearestNeighbour(ppb): status = H5Pset_szip(dcpl, UInt32(H5_SZIP_NN_OPTION_MASK), UInt32(ppb))
        case .fletcher32: status = H5Pset_fletcher32(dcpl)
        }
        try HDF5Library.check(status, "set filter \(filter) on", object)
    }
}
