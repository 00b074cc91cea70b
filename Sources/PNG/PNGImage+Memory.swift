import CPNG

extension PNGImage {
    /// The image as PNG file bytes (for serving over HTTP without a file). 8-bit formats only.
    public func encoded(fast: Bool = true) throws -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        if fast { image.flags = UInt32(PNG_IMAGE_FLAG_FAST) }
        let bytes: [UInt8], channels: Int
        switch pixels {
        case let .rgb8(b): bytes = b; channels = 3; image.format = UInt32(PNG_FORMAT_RGB)
        case let .gray8(b): bytes = b; channels = 1; image.format = UInt32(PNG_FORMAT_GRAY)
        case .gray16: throw PNGError.badPixels(path: "(memory)", detail: "16-bit images are written to files only")
        }
        guard width > 0, height > 0, bytes.count == width * height * channels else {
            throw PNGError.badPixels(path: "(memory)", detail: "\(bytes.count) samples for \(width)x\(height)x\(channels)")
        }
        // First call sizes the output, the second fills it.
        var size = 0
        let stride = Int32(width * channels)
        var ok = bytes.withUnsafeBufferPointer { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, stride, nil) }
        guard ok != 0 else { throw PNGError.failed(operation: "encode", path: "(memory)", message: PNGImage.message(of: image)) }
        var out = [UInt8](repeating: 0, count: size)
        ok = out.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBufferPointer { png_image_write_to_memory(&image, dst.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
        }
        guard ok != 0 else { throw PNGError.failed(operation: "encode", path: "(memory)", message: PNGImage.message(of: image)) }
        return Array(out.prefix(size))
    }
}
