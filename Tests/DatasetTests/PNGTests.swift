import Foundation
import PNG
import XCTest

final class PNGTests: XCTestCase {
    func testRGBAndSixteenBitDepthRoundTrip() throws {
        let dir = try TestEpisodes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let w = 64, h = 48
        let rgb = (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let depth = (0..<(w * h)).map { UInt16(truncatingIfNeeded: 500 + $0 * 13) }
        let rgbPath = dir + "/c.png", depthPath = dir + "/d.png"
        try PNGImage(width: w, height: h, pixels: .rgb8(rgb)).write(to: rgbPath)
        try PNGImage(width: w, height: h, pixels: .gray16(depth)).write(to: depthPath, fast: true)
        XCTAssertEqual(try PNGImage.read(rgbPath, as: .rgb8), PNGImage(width: w, height: h, pixels: .rgb8(rgb)))
        XCTAssertEqual(try PNGImage.read(depthPath, as: .gray16), PNGImage(width: w, height: h, pixels: .gray16(depth)))
        let gray = (0..<(w * h)).map { UInt8(truncatingIfNeeded: $0) }
        try PNGImage(width: w, height: h, pixels: .gray8(gray)).write(to: dir + "/g.png")
        XCTAssertEqual(try PNGImage.read(dir + "/g.png", as: .gray8).pixels, .gray8(gray))
    }

    func testErrorsCarryLibpngMessage() throws {
        let image = PNGImage(width: 2, height: 1, pixels: .rgb8([1, 2, 3, 4, 5, 6]))
        XCTAssertThrowsError(try image.write(to: "/nonexistent-folder/x.png")) { error in
            XCTAssertTrue("\(error)".hasPrefix("PNG: cannot write /nonexistent-folder/x.png: "), "\(error)")
            XCTAssertTrue("\(error)".contains("No such file or directory"), "\(error)")
        }
        XCTAssertThrowsError(try PNGImage(width: 3, height: 1, pixels: .rgb8([1, 2, 3])).write(to: "/tmp/never.png"))
        let dir = try TestEpisodes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "not a png".write(toFile: dir + "/t.png", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PNGImage.read(dir + "/t.png", as: .rgb8)) { error in
            XCTAssertTrue("\(error)".hasPrefix("PNG: cannot read \(dir)/t.png: "), "\(error)")
        }
    }
}
