// Debian's FFmpeg libraries (libavformat, libavcodec, libswscale, libavutil). Function-like macros and
// compound-literal helpers are not imported into Swift, so the few this project needs are functions here.
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <errno.h>

static inline int cffmpeg_error_eof(void) { return AVERROR_EOF; }
static inline int cffmpeg_error_again(void) { return AVERROR(EAGAIN); }
static inline int cffmpeg_error_from_errno(int e) { return AVERROR(e); }
static inline int cffmpeg_errno_from_error(int e) { return AVUNERROR(e); }
static inline int cffmpeg_flag_global_header(void) { return AV_CODEC_FLAG_GLOBAL_HEADER; }
static inline int cffmpeg_format_global_header(void) { return AVFMT_GLOBALHEADER; }
static inline int cffmpeg_format_no_file(void) { return AVFMT_NOFILE; }
static inline int cffmpeg_io_write(void) { return AVIO_FLAG_WRITE; }
static inline int cffmpeg_format_bitexact(void) { return AVFMT_FLAG_BITEXACT; }
static inline int cffmpeg_codec_bitexact(void) { return AV_CODEC_FLAG_BITEXACT; }

// AVFrame's data/linesize are fixed arrays (tuples in Swift): the two conversions go through these.
static inline int cffmpeg_scale_into_frame(struct SwsContext *sws, const uint8_t *pixels, int stride, int height, AVFrame *frame) {
    const uint8_t *planes[1] = { pixels };
    const int strides[1] = { stride };
    return sws_scale(sws, planes, strides, 0, height, frame->data, frame->linesize);
}
static inline int cffmpeg_scale_from_frame(struct SwsContext *sws, const AVFrame *frame, uint8_t *pixels, int stride) {
    uint8_t *planes[1] = { pixels };
    const int strides[1] = { stride };
    return sws_scale(sws, (const uint8_t * const *)frame->data, frame->linesize, 0, frame->height, planes, strides);
}
