import CFFmpeg

/// What went wrong writing or reading a video, with FFmpeg's own words for it.
public enum VideoError: Error, CustomStringConvertible, Equatable {
    /// An FFmpeg call failed; `message` is av_strerror's text, `errno` the POSIX code when it is one.
    case failed(operation: String, path: String, message: String, errno: Int32?)
    /// Neither H.264 (libx264) nor MPEG-4 part 2 can be encoded by this FFmpeg build.
    case noEncoder(tried: [String])
    /// A frame handed to the writer does not match the video's size.
    case badFrame(expected: Int, got: Int)
    /// The file holds no video stream.
    case noVideoStream(path: String)

    public var description: String {
        switch self {
        case let .failed(operation, path, message, _):
            return "cannot \(operation) \(path): \(message)"
        case let .noEncoder(tried):
            return "this FFmpeg has none of the encoders \(tried.joined(separator: ", ")); install Debian's libavcodec59 (it has libx264)"
        case let .badFrame(expected, got):
            return "a video frame has \(got) bytes; the video's size needs \(expected)"
        case let .noVideoStream(path):
            return "\(path) holds no video stream"
        }
    }

    static func check(_ code: Int32, _ operation: String, _ path: String) throws {
        guard code < 0 else { return }
        throw failure(code, operation, path)
    }

    static func failure(_ code: Int32, _ operation: String, _ path: String) -> VideoError {
        var buffer = [CChar](repeating: 0, count: 256)
        av_strerror(code, &buffer, buffer.count)
        let posix = cffmpeg_errno_from_error(code)
        return .failed(operation: operation, path: path, message: String(cString: buffer),
                       errno: posix > 0 && posix < 4096 ? posix : nil)
    }
}
