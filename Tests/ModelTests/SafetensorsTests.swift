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

    /// A safetensors file of F32 tensors (name, shape; values 0, 1, 2...) or of raw header bytes.
    func writeSafetensors(_ tensors: [(String, [Int])], to path: String) throws {
        var entries: [String] = [], payload = [UInt8](), offset = 0
        for (name, shape) in tensors {
            let count = shape.reduce(1, *)
            entries.append(#""\#(name)":{"dtype":"F32","shape":\#(shape),"data_offsets":[\#(offset),\#(offset + 4 * count)]}"#)
            for i in 0..<count { withUnsafeBytes(of: Float(i).bitPattern.littleEndian) { payload += $0 } }
            offset += 4 * count
        }
        let header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        try writeRaw(headerSize: UInt64(header.count), header + payload, to: path)
    }

    func writeRaw(headerSize: UInt64, _ rest: [UInt8], to path: String) throws {
        var bytes = [UInt8]()
        withUnsafeBytes(of: headerSize.littleEndian) { bytes += $0 }
        try Data(bytes + rest).write(to: URL(fileURLWithPath: path))
    }

    func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return folder
    }

    /// Issue #15: a header size of 2^63 (and its neighbours) crashed on Int overflow; now every size
    /// the 8 bytes can hold is refused with a message naming the file.
    func testHeaderSizesUpTo2To64AreRefusedNamingTheFile() throws {
        let path = try temporaryFolder() + "/huge-header.safetensors"
        for size: UInt64 in [1 << 63, (1 << 63) - 1, (1 << 63) - 8, (1 << 63) + 1, .max, 1 << 62, 3] {
            try writeRaw(headerSize: size, Array("{}".utf8), to: path)
            XCTAssertThrowsError(try Safetensors.read(path), "header size \(size)") { error in
                XCTAssertTrue("\(error)".contains(path) && "\(error)".contains("not a valid safetensors file")
                              && "\(error)".contains("header size \(size) bytes"), "\(error)")
            }
        }
    }

    func testHugeShapesAndOffsetsAreRefused() throws {
        let path = try temporaryFolder() + "/huge-entry.safetensors"
        let entries = [#""w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}"#,
                       #""w":{"dtype":"F32","shape":[2],"data_offsets":[9223372036854775800,9223372036854775807]}"#,
                       #""w":{"dtype":"F32","shape":[-2,-2],"data_offsets":[0,16]}"#,
                       #""w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}"#,
                       #""w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}"#]   // 16 bytes, 8 present
        for entry in entries {
            let header = Array(("{" + entry + "}").utf8)
            try writeRaw(headerSize: UInt64(header.count), header + [UInt8](repeating: 0, count: 8), to: path)
            XCTAssertThrowsError(try Safetensors.read(path), entry) { error in
                XCTAssertTrue("\(error)".contains(path) && "\(error)".contains("entry 'w' has offsets"), "\(error)")
            }
        }
    }

    /// The tensors the import requires (`CLIPWeights.load`'s, and what the architecture is read from), tiny.
    let minimalCLIP: [(String, [Int])] = [("visual.conv1.weight", [2, 3, 1, 1]), ("visual.layer4.0.conv1.weight", [2, 2, 1, 1]),
                                          ("token_embedding.weight", [3, 2]), ("text_projection", [2, 2]),
                                          ("visual.layer1.0.conv1.weight", [2, 2, 1, 1]), ("positional_embedding", [4, 2]),
                                          ("ln_final.weight", [2])]

    func testImportWritesTheWeightsFileWholeAndLeavesNoPartial() throws {
        let folder = try temporaryFolder()
        let source = folder + "/rn50.safetensors", out = folder + "/weights/clip.hdf5"
        try writeSafetensors(minimalCLIP, to: source)
        try CLIPWeights.importFile(source, to: out)
        try CLIPWeights.importFile(source, to: out)   // replaces the first import
        let w = try CLIPWeights.load(path: out)
        XCTAssertEqual(try w.visual.tensor("conv1.weight").scalars, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try w.text.tensor("text_projection").scalars, [0, 1, 2, 3])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder + "/weights"), ["clip.hdf5"])
    }

    /// Issue #15 item 6: a failed import left `clip.hdf5.partial` behind; now it leaves nothing and keeps
    /// the weights already imported.
    func testFailedImportLeavesNoPartialAndKeepsTheOldWeights() throws {
        let folder = try temporaryFolder()
        let good = folder + "/rn50.safetensors", out = folder + "/clip.hdf5"
        try writeSafetensors(minimalCLIP, to: good)
        try CLIPWeights.importFile(good, to: out)
        let before = try Data(contentsOf: URL(fileURLWithPath: out))
        let incomplete = folder + "/text-only.safetensors"
        try writeSafetensors(Array(minimalCLIP.dropFirst(2)), to: incomplete)
        XCTAssertThrowsError(try CLIPWeights.importFile(incomplete, to: out)) { error in
            XCTAssertEqual(error as? CLIPWeightsError, .incompleteCheckpoint(path: incomplete, missing: "visual.conv1.weight"))
            XCTAssertTrue("\(error)".contains(incomplete), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".partial"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                       ["clip.hdf5", "rn50.safetensors", "text-only.safetensors"])
    }
}
