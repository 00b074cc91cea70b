import CHDF5

/// The numeric element kinds the wrapper stores and reads. The names are numpy's dtype names.
public enum HDF5ScalarKind: String, Codable, Sendable, CaseIterable {
    case uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64

    var nativeType: hid_t {
        switch self {
        case .uint8: return h5_native_uint8()
        case .int8: return h5_native_int8()
        case .uint16: return h5_native_uint16()
        case .int16: return h5_native_int16()
        case .uint32: return h5_native_uint32()
        case .int32: return h5_native_int32()
        case .uint64: return h5_native_uint64()
        case .int64: return h5_native_int64()
        case .float32: return h5_native_float()
        case .float64: return h5_native_double()
        }
    }

    public var byteSize: Int {
        switch self {
        case .uint8, .int8: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        }
    }
}

/// A Swift number that maps to one HDF5 native type. Reads convert from whatever numeric type is stored.
public protocol HDF5Scalar {
    static var hdf5Kind: HDF5ScalarKind { get }
    init()
}

extension UInt8: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .uint8 } }
extension Int8: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .int8 } }
extension UInt16: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .uint16 } }
extension Int16: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .int16 } }
extension UInt32: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .uint32 } }
extension Int32: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .int32 } }
extension UInt64: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .uint64 } }
extension Int64: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .int64 } }
extension Int: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .int64 } }
extension Float: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .float32 } }
extension Double: HDF5Scalar { public static var hdf5Kind: HDF5ScalarKind { .float64 } }

/// What a dataset or attribute stores, as a reader sees it.
public enum HDF5ElementType: Equatable, Sendable, CustomStringConvertible {
    case scalar(HDF5ScalarKind)
    /// Variable-length or fixed-length text.
    case string(variableLength: Bool)
    /// Anything else (compound, enum, ...), with HDF5's class name.
    case other(String)

    public var description: String {
        switch self {
        case let .scalar(kind): return kind.rawValue
        case let .string(vlen): return vlen ? "vlen str" : "fixed str"
        case let .other(name): return name
        }
    }

    /// Classifies a file datatype.
    static func of(type t: hid_t) -> HDF5ElementType {
        let size = H5Tget_size(t)
        switch H5Tget_class(t) {
        case H5T_INTEGER:
            let signed = H5Tget_sign(t) == H5T_SGN_2
            switch (size, signed) {
            case (1, false): return .scalar(.uint8)
            case (1, true): return .scalar(.int8)
            case (2, false): return .scalar(.uint16)
            case (2, true): return .scalar(.int16)
            case (4, false): return .scalar(.uint32)
            case (4, true): return .scalar(.int32)
            case (8, false): return .scalar(.uint64)
            case (8, true): return .scalar(.int64)
            default: return .other("integer(\(size) bytes)")
            }
        case H5T_FLOAT:
            if size == 4 { return .scalar(.float32) }
            if size == 8 { return .scalar(.float64) }
            return .other("float(\(size) bytes)")
        case H5T_STRING:
            return .string(variableLength: H5Tis_variable_str(t) > 0)
        case H5T_ENUM: return .other("enum")
        case H5T_COMPOUND: return .other("compound")
        case H5T_VLEN: return .other("vlen")
        case H5T_ARRAY: return .other("array")
        case H5T_OPAQUE: return .other("opaque")
        case H5T_REFERENCE: return .other("reference")
        default: return .other("unknown")
        }
    }
}

/// The in-memory type for variable-length UTF-8 strings (h5py's `str` dtype). Caller closes it.
func makeVariableStringType() -> hid_t {
    let t = H5Tcopy(h5_c_s1())
    H5Tset_size(t, h5t_variable())
    H5Tset_cset(t, H5T_CSET_UTF8)
    return t
}
