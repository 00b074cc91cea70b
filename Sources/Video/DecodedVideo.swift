import CFFmpeg

/// A video file read back through libavformat and libavcodec: its codec, size, tags and every frame
/// decoded to RGB (frames are counted by decoding, as `ffprobe -count_frames` does).
public struct DecodedVideo: Sendable {
    public var codec: String
    public var width: Int
    public var height: Int
    /// The frame count the container declares (ffprobe's nb_frames).
    public var declaredFrames: Int
    public var metadata: [String: String]
    /// Each frame as width x height x 3 bytes, row-major RGB.
    public var frames: [[UInt8]]

    public init(path: String) throws {
        var format: UnsafeMutablePointer<AVFormatContext>?
        try VideoError.check(avformat_open_input(&format, path, nil, nil), "open", path)
        defer { avformat_close_input(&format) }
        try VideoError.check(avformat_find_stream_info(format, nil), "read the streams of", path)
        var decoder: UnsafePointer<AVCodec>?
        let index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0)
        guard index >= 0, let decoder, let stream = format!.pointee.streams[Int(index)] else { throw VideoError.noVideoStream(path: path) }
        var context = avcodec_alloc_context3(decoder)
        defer { avcodec_free_context(&context) }
        try VideoError.check(avcodec_parameters_to_context(context, stream.pointee.codecpar), "decode", path)
        try VideoError.check(avcodec_open2(context, decoder, nil), "decode", path)
        codec = String(cString: decoder.pointee.name)
        width = Int(stream.pointee.codecpar.pointee.width)
        height = Int(stream.pointee.codecpar.pointee.height)
        declaredFrames = Int(stream.pointee.nb_frames)
        var tags: [String: String] = [:]
        var entry: UnsafeMutablePointer<AVDictionaryEntry>?
        while let next = av_dict_get(format!.pointee.metadata, "", entry, AV_DICT_IGNORE_SUFFIX) {
            tags[String(cString: next.pointee.key)] = String(cString: next.pointee.value)
            entry = next
        }
        metadata = tags

        var packet = av_packet_alloc(), frame = av_frame_alloc()
        defer { av_packet_free(&packet); av_frame_free(&frame) }
        var scaler: OpaquePointer?
        defer { sws_freeContext(scaler) }
        var decoded: [[UInt8]] = []
        let (w, h) = (width, height)
        func receive() throws {
            while true {
                let status = avcodec_receive_frame(context, frame)
                if status == cffmpeg_error_again() || status == cffmpeg_error_eof() { return }
                try VideoError.check(status, "decode", path)
                if scaler == nil {
                    scaler = sws_getContext(frame!.pointee.width, frame!.pointee.height, AVPixelFormat(frame!.pointee.format),
                                            Int32(w), Int32(h), AV_PIX_FMT_RGB24, SWS_BICUBIC | SWS_ACCURATE_RND, nil, nil, nil)
                }
                var rgb = [UInt8](repeating: 0, count: w * h * 3)
                _ = rgb.withUnsafeMutableBufferPointer { cffmpeg_scale_from_frame(scaler, frame, $0.baseAddress, Int32(w * 3)) }
                decoded.append(rgb)
                av_frame_unref(frame)
            }
        }
        while av_read_frame(format, packet) >= 0 {
            defer { av_packet_unref(packet) }
            guard packet!.pointee.stream_index == index else { continue }
            try VideoError.check(avcodec_send_packet(context, packet), "decode", path)
            try receive()
        }
        try VideoError.check(avcodec_send_packet(context, nil), "decode", path)
        try receive()
        frames = decoded
    }
}
