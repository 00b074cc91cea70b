import XCTest
@testable import Model

final class SafetensorsTests: XCTestCase {
    /// Writes a safetensors file by hand: F16 and BF16 values with known bit patterns, and an F32.
    func testReadsHalfBFloatAndFloat() throws {
        let header = #"{"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]},"f":{"dtype":"F32","shape":[1,1],"data_offsets":[12,16]}}"#
        var bytes = [UInt8]()
        var size = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &size) { bytes += $0 }
        bytes += Array(header.utf8)
        // F16: 1.0 (0x3C00), -2.0 (0xC000), 65504 (0x7BFF), smallest subnormal 2^-24 (0x0001).
        for h: UInt16 in [0x3C00, 0xC000, 0x7BFF, 0x0001] { bytes += [UInt8(h & 0xFF), UInt8(h >> 8)] }
        // BF16: 1.0 (0x3F80), -0.5 (0xBF00).
        for b: UInt16 in [0x3F80, 0xBF00] { bytes += [UInt8(b & 0xFF), UInt8(b >> 8)] }
        var f = Float(3.25).bitPattern.littleEndian
        withUnsafeBytes(of: &f) { bytes += $0 }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("t-\(ProcessInfo.processInfo.processIdentifier).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let d = try Safetensors.read(path)
        XCTAssertEqual(try d.tensor("h").scalars, [1, -2, 65504, Float(sign: .plus, exponent: -24, significand: 1)])
        XCTAssertEqual(try d.tensor("b").scalars, [1, -0.5])
        XCTAssertEqual(try d.tensor("f", shape: [1, 1]).scalars, [3.25])
    }

    func testRejectsGarbageWithAClearError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(ProcessInfo.processInfo.processIdentifier).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Safetensors.read(path)) { error in
            XCTAssertTrue("\(error)".contains("not a valid safetensors file"), "\(error)")
        }
    }

    func testStateDictNamesSplitIntoVisualAndText() {
        let t = Tensor.zeros([1])
        let w = CLIPWeights(stateDict: TensorDictionary(["module.visual.conv1.weight": t, "visual.attnpool.c_proj.weight": t,
                                                         "token_embedding.weight": t, "transformer.resblocks.0.ln_1.weight": t,
                                                         "logit_scale": t]))
        XCTAssertEqual(Set(w.visual.tensors.keys), ["conv1.weight"])
        XCTAssertEqual(Set(w.text.tensors.keys), ["token_embedding.weight", "transformer.resblocks.0.ln_1.weight"])
    }
}
