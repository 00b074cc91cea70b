import CFFmpeg

/// Writes RGB frames to an MP4 file through libavformat and libavcodec: H.264 (libx264, yuv420p so every
/// player shows it) when the FFmpeg build has it, else MPEG-4 part 2. One encoder thread and bit-exact
/// muxing, so the same frames give the same bytes.
public final class MP4Writer {
    /// The encoders tried, in order of preference.
    public static let encoders = ["libx264", "mpeg4"]

    public let path: String
    public let width: Int
    public let height: Int
    /// The encoder in use ("libx264" or "mpeg4").
    public let encoder: String
    public private(set) var framesWritten = 0

    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var stream: UnsafeMutablePointer<AVStream>
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var scaler: OpaquePointer?
    private var finished = false

    /// Opens `path` for writing (width and height must be even: yuv420p halves them). `metadata` goes into
    /// the file's tags (e.g. "title", "comment").
    public init(path: String, width: Int, height: Int, framesPerSecond: Int, metadata: [String: String] = [:]) throws {
        precondition(width > 0 && height > 0 && width % 2 == 0 && height % 2 == 0, "yuv420p needs an even size")
        self.path = path; self.width = width; self.height = height
        av_log_set_level(AV_LOG_ERROR)  // libx264's statistics are not the user's business; errors come back as codes
        guard let (name, encoderCodec) = MP4Writer.encoders.lazy.compactMap({ name in
            avcodec_find_encoder_by_name(name).map { (name, $0) }
        }).first else { throw VideoError.noEncoder(tried: MP4Writer.encoders) }
        encoder = name

        var format: UnsafeMutablePointer<AVFormatContext>?
        try VideoError.check(avformat_alloc_output_context2(&format, nil, "mp4", path), "prepare an MP4 for", path)
        guard let format, let stream = avformat_new_stream(format, nil), let codec = avcodec_alloc_context3(encoderCodec) else {
            throw VideoError.failed(operation: "prepare an MP4 for", path: path, message: "out of memory", errno: nil)
        }
        self.format = format; self.stream = stream; self.codec = codec
        format.pointee.flags |= cffmpeg_format_bitexact()
        codec.pointee.width = Int32(width)
        codec.pointee.height = Int32(height)
        codec.pointee.time_base = AVRational(num: 1, den: Int32(framesPerSecond))
        codec.pointee.framerate = AVRational(num: Int32(framesPerSecond), den: 1)
        codec.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        codec.pointee.color_range = AVCOL_RANGE_MPEG
        codec.pointee.colorspace = AVCOL_SPC_SMPTE170M
        codec.pointee.thread_count = 1
        codec.pointee.flags |= cffmpeg_codec_bitexact()
        if name == "libx264" {
            av_opt_set(codec.pointee.priv_data, "preset", "medium", 0)
            av_opt_set(codec.pointee.priv_data, "crf", "18", 0)
        } else {
            codec.pointee.bit_rate = Int64(width * height * 4)
            codec.pointee.gop_size = 12
        }
        if format.pointee.oformat.pointee.flags & cffmpeg_format_global_header() != 0 {
            codec.pointee.flags |= cffmpeg_flag_global_header()
        }
        try VideoError.check(avcodec_open2(codec, encoderCodec, nil), "open the \(name) encoder for", path)
        try VideoError.check(avcodec_parameters_from_context(stream.pointee.codecpar, codec), "prepare an MP4 for", path)
        stream.pointee.time_base = codec.pointee.time_base
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            av_dict_set(&format.pointee.metadata, key, value, 0)
        }
        try VideoError.check(avio_open(&format.pointee.pb, path, cffmpeg_io_write()), "create", path)
        try VideoError.check(avformat_write_header(format, nil), "write the MP4 header of", path)

        guard let frame = av_frame_alloc(), let packet = av_packet_alloc(),
              let scaler = sws_getContext(Int32(width), Int32(height), AV_PIX_FMT_RGB24, Int32(width), Int32(height),
                                          AV_PIX_FMT_YUV420P, SWS_BICUBIC | SWS_ACCURATE_RND, nil, nil, nil)
        else { throw VideoError.failed(operation: "prepare frames for", path: path, message: "out of memory", errno: nil) }
        self.frame = frame; self.packet = packet; self.scaler = scaler
        frame.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        try VideoError.check(av_frame_get_buffer(frame, 0), "prepare frames for", path)
    }

    deinit { release() }

    /// Appends one frame: `rgb` holds width x height x 3 bytes, row-major.
    public func append(rgb: [UInt8]) throws {
        guard rgb.count == width * height * 3 else { throw VideoError.badFrame(expected: width * height * 3, got: rgb.count) }
        guard let frame else { return }
        try VideoError.check(av_frame_make_writable(frame), "encode a frame of", path)
        _ = rgb.withUnsafeBufferPointer { cffmpeg_scale_into_frame(scaler, $0.baseAddress, Int32(width * 3), Int32(height), frame) }
        frame.pointee.pts = Int64(framesWritten)
        try VideoError.check(avcodec_send_frame(codec, frame), "encode a frame of", path)
        try drain()
        framesWritten += 1
    }

    /// Flushes the encoder, writes the MP4 index and closes the file.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        defer { release() }
        try VideoError.check(avcodec_send_frame(codec, nil), "finish", path)
        try drain()
        try VideoError.check(av_write_trailer(format), "finish", path)
        if let format { try VideoError.check(avio_closep(&format.pointee.pb), "close", path) }
    }

    /// Moves every packet the encoder has ready into the file.
    private func drain() throws {
        while true {
            let status = avcodec_receive_packet(codec, packet)
            if status == cffmpeg_error_again() || status == cffmpeg_error_eof() { return }
            try VideoError.check(status, "encode a frame of", path)
            // Every frame lasts one tick; without a duration the MP4 edit list ends at the last frame's start
            // and players (and ffprobe -count_frames) drop that frame.
            packet!.pointee.duration = 1
            av_packet_rescale_ts(packet, codec!.pointee.time_base, stream.pointee.time_base)
            packet!.pointee.stream_index = stream.pointee.index
            try VideoError.check(av_interleaved_write_frame(format, packet), "write", path)
        }
    }

    private func release() {
        if let format, format.pointee.pb != nil { avio_closep(&format.pointee.pb) }
        avformat_free_context(format); format = nil
        avcodec_free_context(&codec)
        av_frame_free(&frame)
        av_packet_free(&packet)
        sws_freeContext(scaler); scaler = nil
    }
}
