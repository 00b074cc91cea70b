import CHDF5

/// Process-wide HDF5 behaviour: silenced stderr error printing and error-stack capture.
enum HDF5Library {
    /// HDF5 prints its error stack to stderr by default. The automatic printing is a per-thread setting
    /// in the thread-safe build Debian ships, so every wrapper entry point calls this (it is cheap).
    static func silence() {
        _ = skipExitCleanup
        H5Eset_auto2(h5e_default(), nil, nil)
    }

    /// HDF5 1.10 keeps a file's id after a failed `H5Fclose` (a flush that hit a full disk) although it has
    /// already freed the file's state; its exit handler then closes that id again and crashes (SIGSEGV in
    /// `H5F__close_cb`). Every writer here closes and fsyncs its files itself, so the exit handler has
    /// nothing to do: it is not installed (must happen before the library's first call).
    private static let skipExitCleanup: Void = { _ = H5dont_atexit() }()

    /// The innermost (most specific) messages of the current thread's error stack, most specific last.
    /// Link access (a group access list, which is one) that opens the files external links reach read-only.
    /// By default HDF5 opens them with the intent of the file holding the link, so `cliport dataset merge`,
    /// reading its new index (open for writing) through the links, opened the shards for writing: that needs
    /// an exclusive lock and failed while any reader (a training run, h5py) had a shard open. Shards reached
    /// through links are only ever read.
    static let readOnlyExternalLinks: hid_t = {
        let list = H5Pcreate(h5p_group_access())
        H5Pset_elink_acc_flags(list, h5f_acc_rdonly())
        return list
    }()

    static func errorStackMessage() -> String {
        final class Box { var messages: [String] = [] }
        let box = Box()
        let walker: H5E_walk2_t = { _, desc, data in
            guard let desc, let data, let text = desc.pointee.desc else { return 0 }
            Unmanaged<Box>.fromOpaque(data).takeUnretainedValue().messages.append(String(cString: text))
            return 0
        }
        withExtendedLifetime(box) {
            _ = H5Ewalk2(h5e_default(), H5E_WALK_DOWNWARD, walker, Unmanaged.passUnretained(box).toOpaque())
        }
        H5Eclear2(h5e_default())
        // Downward walk: the API function first, the lowest layer (e.g. the POSIX driver's errno) last.
        guard let last = box.messages.last else { return "" }
        if box.messages.count > 1, let first = box.messages.first, first != last { return "\(first): \(last)" }
        return last
    }

    /// Throws `HDF5Error.failed` if an id-returning call returned a negative id.
    @discardableResult
    static func check(_ id: hid_t, _ operation: @autoclosure () -> String, _ object: @autoclosure () -> String) throws -> hid_t {
        if id < 0 { throw HDF5Error.failed(operation: operation(), object: object(), detail: errorStackMessage()) }
        return id
    }

    /// Throws `HDF5Error.failed` if a status-returning call returned a negative status.
    static func check(_ status: herr_t, _ operation: @autoclosure () -> String, _ object: @autoclosure () -> String) throws {
        if status < 0 { throw HDF5Error.failed(operation: operation(), object: object(), detail: errorStackMessage()) }
    }
}

extension HDF5Library {
    /// Runs `body` with a new creation property list of `propertyClass` (file, group or dataset creation)
    /// that turns off HDF5's object timestamps. They are on by default and are the only bytes that differ
    /// between two files written with the same content (reproducible-build tools compare files with `cmp`).
    static func untimed<R>(_ propertyClass: hid_t, _ operation: String, _ object: String, _ body: (hid_t) throws -> R) throws -> R {
        let plist = try check(H5Pcreate(propertyClass), "make creation properties to \(operation)", object)
        defer { H5Pclose(plist) }
        try check(H5Pset_obj_track_times(plist, false), "turn off timestamps to \(operation)", object)
        return try body(plist)
    }
}

/// Owns one HDF5 identifier and closes it exactly once.
final class HDF5Handle {
    let id: hid_t
    private let closer: (hid_t) -> herr_t
    private var open = true

    init(_ id: hid_t, closer: @escaping (hid_t) -> herr_t) {
        self.id = id; self.closer = closer
    }

    func close() {
        guard open else { return }
        open = false
        _ = closer(id)
    }

    deinit { close() }
}

/// Small scoped helpers for temporary identifiers (dataspaces, types, property lists).
func withHDF5Temporary<R>(_ id: hid_t, close: (hid_t) -> herr_t, _ body: (hid_t) throws -> R) rethrows -> R {
    defer { _ = close(id) }
    return try body(id)
}
