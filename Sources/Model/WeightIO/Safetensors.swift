import Foundation

/// Reader for the safetensors format (8-byte little-endian header size, a JSON header mapping names to
/// {dtype, shape, data_offsets}, then the raw little-endian data), the format public CLIP weights are
/// shared in. F32, F16 and BF16 tensors are read as Float32; I64 and I32 ones as numbers where asked
/// for (`contents`); others are rejected by name.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case unsupportedType(name: String, dtype: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason); check the path and permissions"
        case let .malformed(path, reason):
            return "\(path) is not a valid safetensors file (\(reason)); re-export the weights with safetensors.torch.save_file"
        case let .unsupportedType(name, dtype):
            return "tensor '\(name)' has type \(dtype); only F32, F16 and BF16 weights can be imported — convert the checkpoint to float first"
        }
    }
}

public enum Safetensors {
    /// Every floating-point tensor of the file, by name (the `__metadata__` entry is skipped); an
    /// integer tensor is refused.
    public static func read(_ path: String) throws -> TensorDictionary {
        TensorDictionary(try contents(path, integers: false).floats)
    }

    /// Every tensor of the file: floating-point ones as Float32, integer ones (I64, I32) as numbers.
    public static func contents(_ path: String) throws -> CheckpointTensors {
        try contents(path, integers: true)
    }

    static func contents(_ path: String, integers: Bool) throws -> CheckpointTensors {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) }
        catch { throw SafetensorsError.unreadable(path: path, reason: error.localizedDescription) }
        guard data.count >= 8 else { throw SafetensorsError.malformed(path: path, reason: "shorter than its 8-byte header size") }
        // Read as UInt64 and compare before any Int arithmetic: a size near 2^63 must not overflow.
        let declaredSize = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | (UInt64($1.element) << (8 * UInt64($1.offset))) }
        guard declaredSize > 0, declaredSize <= UInt64(data.count - 8) else {
            throw SafetensorsError.malformed(path: path, reason: "header size \(declaredSize) bytes, but only \(data.count - 8) bytes follow it")
        }
        let headerSize = Int(declaredSize)
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerSize))) as? [String: Any] else {
            throw SafetensorsError.malformed(path: path, reason: "header is not a JSON object")
        }
        let base = 8 + headerSize, dataBytes = data.count - base
        var out = CheckpointTensors()
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [NSNumber])?.map({ $0.intValue }),
                  let offsets = (entry["data_offsets"] as? [NSNumber])?.map({ $0.intValue }), offsets.count == 2 else {
                throw SafetensorsError.malformed(path: path, reason: "entry '\(name)' lacks dtype, shape or data_offsets")
            }
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F16", "BF16": width = 2
            case "I64" where integers: width = 8
            case "I32" where integers: width = 4
            default: throw SafetensorsError.unsupportedType(name: name, dtype: dtype)
            }
            // Sizes from the file are checked without overflowing: a huge shape or offset is refused.
            let bytes = shape.reduce(Optional(width)) { total, d in
                guard let total, d >= 0 else { return nil }
                let (p, overflow) = total.multipliedReportingOverflow(by: d)
                return overflow || p > dataBytes ? nil : p
            }
            guard let bytes, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataBytes,
                  offsets[1] - offsets[0] == bytes else {
                throw SafetensorsError.malformed(path: path, reason: "entry '\(name)' has offsets \(offsets) for shape \(shape) of \(dtype) in \(dataBytes) data bytes")
            }
            let count = bytes / width
            if dtype == "I64" || dtype == "I32" {
                let values: [Int64] = data.withUnsafeBytes { raw in
                    let p = raw.baseAddress! + base + offsets[0]
                    return (0..<count).map { i in
                        dtype == "I64" ? Int64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
                                       : Int64(Int32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                    }
                }
                out.integers[name] = (shape, values)
                continue
            }
            var scalars = [Float](repeating: 0, count: count)
            data.withUnsafeBytes { raw in
                let p = raw.baseAddress! + base + offsets[0]
                for i in 0..<count {
                    switch dtype {
                    case "F32":
                        scalars[i] = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    case "F16":
                        scalars[i] = halfToFloat(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    default:
                        scalars[i] = Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                    }
                }
            }
            out.floats[name] = Tensor(shape: shape, scalars: scalars)
        }
        return out
    }

    /// IEEE 754 binary16 to Float (bit manipulation: `Float16` is not available on every platform).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            let v = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)   // subnormal
            return sign != 0 ? -v : v
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }
}
