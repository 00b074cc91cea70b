// ISA-L's igzip (Debian libisal-dev): deflate 3-4x faster than zlib at the same ratio, output any zlib reads.
#include <stddef.h>
#include <stdint.h>
#include <isa-l/igzip_lib.h>

// Bytes of the level buffer that levels 1 and 2 need (macros Swift cannot import); 0 for level 0.
static inline uint32_t cisal_level_buffer_size(uint32_t level) {
    switch (level) {
    case 0: return ISAL_DEF_LVL0_DEFAULT;
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    default: return ISAL_DEF_LVL2_DEFAULT;
    }
}

// Compresses `n` bytes at `src` into one zlib stream (RFC 1950: header, deflate, Adler-32) at `dst`.
// Returns the stream's length, or 0 when `capacity` bytes were not enough or the stream failed.
static inline size_t cisal_zlib_compress(struct isal_zstream *s, uint32_t level, uint8_t *level_buf,
                                         uint32_t level_buf_size, const uint8_t *src, size_t n,
                                         uint8_t *dst, size_t capacity) {
    if (n > UINT32_MAX || capacity > UINT32_MAX) return 0;
    isal_deflate_init(s);
    s->level = level;
    s->level_buf = level_buf;
    s->level_buf_size = level_buf_size;
    s->gzip_flag = IGZIP_ZLIB;
    s->end_of_stream = 1;
    s->flush = NO_FLUSH;
    s->next_in = (uint8_t *)src;
    s->avail_in = (uint32_t)n;
    s->next_out = dst;
    s->avail_out = (uint32_t)capacity;
    if (isal_deflate(s) != COMP_OK || s->internal_state.state != ZSTATE_END) return 0;
    return s->total_out;
}

// Inflates one zlib stream (RFC 1950: header checked, Adler-32 verified) of `n` bytes at `src` into `dst`,
// which must end exactly where the stream does: returns the bytes written (= `capacity`), or -1 when the
// stream is damaged, ends early, or runs past `capacity`.
static inline long cisal_zlib_uncompress(struct inflate_state *s, const uint8_t *src, size_t n,
                                         uint8_t *dst, size_t capacity) {
    if (n > UINT32_MAX || capacity > UINT32_MAX) return -1;
    isal_inflate_init(s);
    s->crc_flag = ISAL_ZLIB;
    s->next_in = (uint8_t *)src;
    s->avail_in = (uint32_t)n;
    s->next_out = dst;
    s->avail_out = (uint32_t)capacity;
    if (isal_inflate(s) != ISAL_DECOMP_OK || s->block_state != ISAL_BLOCK_FINISH) return -1;
    return (long)s->total_out;
}
