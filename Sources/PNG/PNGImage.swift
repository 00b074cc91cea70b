import CPNG

/// An image as PNG stores it: 8-bit RGB, 8-bit grey, or 16-bit grey (depth in millimetres, the RGB-D
/// convention). Reading and writing use libpng's simplified API, which handles libpng's errors itself
/// (the classic API needs setjmp, which Swift cannot call).
public struct PNGImage: Equatable, Sendable {
    public enum Pixels: Equatable, Sendable {
        case rgb8([UInt8])      // row-major, 3 bytes per pixel
        case gray8([UInt8])
        case gray16([UInt16])   // stored verbatim (linear, gAMA 1.0)
    }

    public enum Format: Sendable { case rgb8, gray8, gray16 }

    public var width: Int
    public var height: Int
    public var pixels: Pixels

    public init(width: Int, height: Int, pixels: Pixels) {
        self.width = width; self.height = height; self.pixels = pixels
    }

    public var format: Format {
        switch pixels {
        case .rgb8: return .rgb8
        case .gray8: return .gray8
        case .gray16: return .gray16
        }
    }

    /// Writes the image. `fast` trades size for speed (libpng's PNG_IMAGE_FLAG_FAST: about 4x faster).
    public func write(to path: String, fast: Bool = false) throws {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        if fast { image.flags = UInt32(PNG_IMAGE_FLAG_FAST) }
        let ok: Int32
        switch pixels {
        case let .rgb8(bytes):
            try check(bytes.count, channels: 3, path: path)
            image.format = UInt32(PNG_FORMAT_RGB)
            ok = bytes.withUnsafeBufferPointer { png_image_write_to_file(&image, path, 0, $0.baseAddress, Int32(width * 3), nil) }
        case let .gray8(bytes):
            try check(bytes.count, channels: 1, path: path)
            image.format = UInt32(PNG_FORMAT_GRAY)
            ok = bytes.withUnsafeBufferPointer { png_image_write_to_file(&image, path, 0, $0.baseAddress, Int32(width), nil) }
        case let .gray16(samples):
            try check(samples.count, channels: 1, path: path)
            image.format = UInt32(PNG_FORMAT_LINEAR_Y)
            ok = samples.withUnsafeBufferPointer { png_image_write_to_file(&image, path, 0, $0.baseAddress, Int32(width), nil) }
        }
        if ok == 0 {
            let message = PNGImage.message(of: image)
            png_image_free(&image)
            throw PNGError.failed(operation: "write", path: path, message: message)
        }
    }

    private func check(_ count: Int, channels: Int, path: String) throws {
        guard width > 0, height > 0, count == width * height * channels else {
            throw PNGError.badPixels(path: path, detail: "\(count) samples for \(width)x\(height)x\(channels)")
        }
    }

    /// Reads a PNG converted to `format` (libpng converts colour types and bit depths as needed).
    public static func read(_ path: String, as format: Format) throws -> PNGImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            let message = PNGImage.message(of: image)
            png_image_free(&image)
            throw PNGError.failed(operation: "read", path: path, message: message)
        }
        let width = Int(image.width), height = Int(image.height)
        let ok: Int32
        let pixels: Pixels
        switch format {
        case .rgb8:
            image.format = UInt32(PNG_FORMAT_RGB)
            var bytes = [UInt8](repeating: 0, count: width * height * 3)
            ok = bytes.withUnsafeMutableBufferPointer { png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * 3), nil) }
            pixels = .rgb8(bytes)
        case .gray8:
            image.format = UInt32(PNG_FORMAT_GRAY)
            var bytes = [UInt8](repeating: 0, count: width * height)
            ok = bytes.withUnsafeMutableBufferPointer { png_image_finish_read(&image, nil, $0.baseAddress, Int32(width), nil) }
            pixels = .gray8(bytes)
        case .gray16:
            image.format = UInt32(PNG_FORMAT_LINEAR_Y)
            var samples = [UInt16](repeating: 0, count: width * height)
            ok = samples.withUnsafeMutableBufferPointer { png_image_finish_read(&image, nil, $0.baseAddress, Int32(width), nil) }
            pixels = .gray16(samples)
        }
        guard ok != 0 else {
            let message = PNGImage.message(of: image)
            png_image_free(&image)
            throw PNGError.failed(operation: "read", path: path, message: message)
        }
        return PNGImage(width: width, height: height, pixels: pixels)
    }

    /// libpng's error text, kept in the fixed `message` array of the image struct.
    static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[0..<end], as: UTF8.self)
        }
    }
}
