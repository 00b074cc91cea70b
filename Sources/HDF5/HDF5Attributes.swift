import CHDF5
import Foundation

/// An attribute's value as read back, for tools that print whatever a file holds.
public enum HDF5AttributeValue: Equatable, Sendable {
    case int(Int)
    case double(Double)
    case string(String)
    case ints([Int])
    case doubles([Double])
    case strings([String])
    case unsupported(String)
}

/// The attributes of one group or dataset (`group.attributes`). Integers are stored as int64,
/// reals as float64, text as variable-length UTF-8 (what h5py writes for `str`).
public struct HDF5Attributes {
    let owner: AnyObject  // keeps the group or dataset (and its file) open
    let id: hid_t
    let objectName: String

    init(owner: AnyObject, id: hid_t, objectName: String) {
        self.owner = owner; self.id = id; self.objectName = objectName
    }

    private func describe(_ name: String) -> String { "\(objectName) attribute '\(name)'" }

    public func contains(_ name: String) -> Bool {
        HDF5Library.silence()
        let r = H5Aexists(id, name)
        if r < 0 { H5Eclear2(h5e_default()) }
        return r > 0
    }

    /// Attribute names in alphabetical order.
    public func names() throws -> [String] {
        HDF5Library.silence()
        final class Box { var names: [String] = [] }
        let box = Box()
        let op: H5A_operator2_t = { _, name, _, data in
            guard let name, let data else { return 0 }
            Unmanaged<Box>.fromOpaque(data).takeUnretainedValue().names.append(String(cString: name))
            return 0
        }
        try withExtendedLifetime(box) {
            try HDF5Library.check(H5Aiterate2(id, H5_INDEX_NAME, H5_ITER_INC, nil, op, Unmanaged.passUnretained(box).toOpaque()),
                                  "list the attributes of", objectName)
        }
        return box.names
    }

    public func remove(_ name: String) throws {
        HDF5Library.silence()
        try HDF5Library.check(H5Adelete(id, name), "delete", describe(name))
    }

    // MARK: writing

    public func set<T: HDF5Scalar>(_ name: String, _ value: T) throws {
        try write(name, kind: T.hdf5Kind, dims: nil) { attr in
            withUnsafePointer(to: value) { H5Awrite(attr, T.hdf5Kind.nativeType, $0) }
        }
    }

    public func set<T: HDF5Scalar>(_ name: String, _ values: [T]) throws {
        try write(name, kind: T.hdf5Kind, dims: [values.count]) { attr in
            values.isEmpty ? 0 : values.withUnsafeBufferPointer { H5Awrite(attr, T.hdf5Kind.nativeType, $0.baseAddress) }
        }
    }

    public func set(_ name: String, _ value: Bool) throws { try set(name, value ? 1 : 0) }

    public func set(_ name: String, _ value: String) throws {
        try writeStrings(name, [value], dims: nil)
    }

    public func set(_ name: String, _ values: [String]) throws {
        try writeStrings(name, values, dims: [values.count])
    }

    private func writeStrings(_ name: String, _ values: [String], dims: [Int]?) throws {
        let type = makeVariableStringType()
        defer { H5Tclose(type) }
        try replace(name, type: type, dims: dims) { attr in
            let pointers: [UnsafeMutablePointer<CChar>?] = values.map { strdup($0) }
            defer { pointers.forEach { free($0) } }
            return pointers.isEmpty ? 0 : pointers.withUnsafeBufferPointer { H5Awrite(attr, type, $0.baseAddress) }
        }
    }

    private func write(_ name: String, kind: HDF5ScalarKind, dims: [Int]?, _ body: (hid_t) -> herr_t) throws {
        try replace(name, type: kind.nativeType, dims: dims, body)
    }

    /// Deletes any old attribute of that name, creates it with `type` and `dims` (nil: scalar) and writes.
    private func replace(_ name: String, type: hid_t, dims: [Int]?, _ body: (hid_t) -> herr_t) throws {
        HDF5Library.silence()
        if contains(name) { try remove(name) }
        let space: hid_t
        if let dims {
            var d = dims.map { hsize_t($0) }
            space = H5Screate_simple(Int32(d.count), &d, nil)
        } else {
            space = H5Screate(H5S_SCALAR)
        }
        try HDF5Library.check(space, "make a dataspace for", describe(name))
        defer { H5Sclose(space) }
        let attr = try HDF5Library.check(H5Acreate2(id, name, type, space, h5p_default(), h5p_default()), "create", describe(name))
        defer { H5Aclose(attr) }
        try HDF5Library.check(body(attr), "write", describe(name))
    }

    // MARK: reading

    private func withAttribute<R>(_ name: String, _ body: (hid_t, hid_t, Int) throws -> R) throws -> R {
        HDF5Library.silence()
        guard contains(name) else { throw HDF5Error.notFound(kind: "attribute '\(name)'", object: objectName) }
        let attr = try HDF5Library.check(H5Aopen(id, name, h5p_default()), "open", describe(name))
        defer { H5Aclose(attr) }
        let type = H5Aget_type(attr)
        defer { H5Tclose(type) }
        let space = H5Aget_space(attr)
        defer { H5Sclose(space) }
        let count = Int(H5Sget_simple_extent_npoints(space))
        return try body(attr, type, count)
    }

    /// What the attribute stores.
    public func elementType(_ name: String) throws -> HDF5ElementType {
        try withAttribute(name) { _, type, _ in HDF5ElementType.of(type: type) }
    }

    /// A numeric attribute's values, converted to T (a scalar attribute gives one value).
    public func array<T: HDF5Scalar>(_ name: String, as: T.Type = T.self) throws -> [T] {
        try withAttribute(name) { attr, type, count in
            guard case .scalar = HDF5ElementType.of(type: type) else {
                throw HDF5Error.mismatch(operation: "read", object: describe(name),
                                         detail: "it holds \(HDF5ElementType.of(type: type)), not numbers")
            }
            var values = [T](repeating: T(), count: count)
            if count > 0 {
                try values.withUnsafeMutableBufferPointer {
                    try HDF5Library.check(H5Aread(attr, T.hdf5Kind.nativeType, $0.baseAddress!), "read", describe(name))
                }
            }
            return values
        }
    }

    public func scalar<T: HDF5Scalar>(_ name: String, as: T.Type = T.self) throws -> T {
        let values = try array(name, as: T.self)
        guard values.count == 1 else {
            throw HDF5Error.mismatch(operation: "read", object: describe(name), detail: "it holds \(values.count) values, not one")
        }
        return values[0]
    }

    public func int(_ name: String) throws -> Int { try scalar(name, as: Int.self) }
    public func double(_ name: String) throws -> Double { try scalar(name, as: Double.self) }
    public func ints(_ name: String) throws -> [Int] { try array(name, as: Int.self) }
    public func doubles(_ name: String) throws -> [Double] { try array(name, as: Double.self) }

    /// A text attribute's values (variable- or fixed-length).
    public func strings(_ name: String) throws -> [String] {
        try withAttribute(name) { attr, type, count in
            guard case let .string(vlen) = HDF5ElementType.of(type: type) else {
                throw HDF5Error.mismatch(operation: "read", object: describe(name),
                                         detail: "it holds \(HDF5ElementType.of(type: type)), not text")
            }
            if count == 0 { return [] }
            if vlen {
                let mem = makeVariableStringType()
                defer { H5Tclose(mem) }
                var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
                try HDF5Library.check(H5Aread(attr, mem, &pointers), "read", describe(name))
                let result = pointers.map { $0.map { String(cString: $0) } ?? "" }
                let space = H5Aget_space(attr)
                defer { H5Sclose(space) }
                H5Dvlen_reclaim(mem, space, h5p_default(), &pointers)
                return result
            }
            let size = H5Tget_size(type)
            var bytes = [UInt8](repeating: 0, count: size * count)
            try HDF5Library.check(H5Aread(attr, type, &bytes), "read", describe(name))
            return decodeFixedStrings(bytes, size: size, count: count)
        }
    }

    public func string(_ name: String) throws -> String {
        let values = try strings(name)
        guard values.count == 1 else {
            throw HDF5Error.mismatch(operation: "read", object: describe(name), detail: "it holds \(values.count) strings, not one")
        }
        return values[0]
    }

    /// Reads whatever the attribute holds.
    public func value(_ name: String) throws -> HDF5AttributeValue {
        let type = try elementType(name)
        let count = try withAttribute(name) { attr, _, count -> (Int, Bool) in
            let space = H5Aget_space(attr)
            defer { H5Sclose(space) }
            return (count, H5Sget_simple_extent_type(space) == H5S_SCALAR)
        }
        switch type {
        case .string:
            let s = try strings(name)
            return count.1 ? .string(s.first ?? "") : .strings(s)
        case let .scalar(kind):
            if kind == .float32 || kind == .float64 {
                let v = try doubles(name)
                return count.1 ? .double(v.first ?? 0) : .doubles(v)
            }
            let v = try ints(name)
            return count.1 ? .int(v.first ?? 0) : .ints(v)
        case let .other(what):
            return .unsupported(what)
        }
    }
}

/// Splits fixed-length, NUL-padded strings.
func decodeFixedStrings(_ bytes: [UInt8], size: Int, count: Int) -> [String] {
    (0..<count).map { i in
        let slice = bytes[(i * size)..<((i + 1) * size)]
        let end = slice.firstIndex(of: 0) ?? slice.endIndex
        return String(decoding: slice[slice.startIndex..<end], as: UTF8.self).trimmingTrailingSpaces()
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
