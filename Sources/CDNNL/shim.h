// oneDNN 2.6 (libdnnl, OpenMP runtime): f32 convolutions, forward and backward, on NCHW/OIHW buffers.
//
// One `cdnnl_conv` is one convolution of fixed shapes in one direction: its primitive, the reorders
// between the caller's plain layouts and the primitive's blocked ones, the blocked buffers and the
// scratchpad, all made once and reused for every call with those shapes (the Swift wrapper caches them).
// Not for two threads at once: the wrapper hands each caller its own.
#include <oneapi/dnnl/dnnl.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

// omp_set_num_threads from libgomp, libdnnl's OpenMP runtime, loaded with it (Debian ships no unversioned
// libgomp.so to link against, and omp.h is GCC's). The count applies to parallel regions the calling
// thread starts.
static inline void cdnnl_set_threads(int threads) {
    typedef void (*set_threads_t)(int);
    static set_threads_t set_threads = NULL;
    if (!set_threads) set_threads = (set_threads_t)dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    if (set_threads) set_threads(threads);
}

enum { CDNNL_FORWARD = 0, CDNNL_BACKWARD_DATA = 1, CDNNL_BACKWARD_WEIGHTS = 2 };

typedef struct cdnnl_conv {
    dnnl_stream_t stream;
    dnnl_primitive_t conv;
    // Slots 0 and 1 are the inputs, slot 2 the output:
    //   forward          src,      weights,  dst
    //   backward data    diff_dst, weights,  diff_src
    //   backward weights src,      diff_dst, diff_weights
    int arg[3];
    dnnl_memory_t user[3];      // the caller's plain-layout buffers (handle set per call)
    dnnl_memory_t inner[3];     // the primitive's layout; the same object as user[i] when no reorder
    dnnl_primitive_t reorder[3];
    dnnl_memory_t scratch;
    char implementation[64];
} cdnnl_conv;

static inline void cdnnl_conv_destroy(cdnnl_conv *p) {
    if (!p) return;
    for (int i = 0; i < 3; i++) {
        if (p->reorder[i]) dnnl_primitive_destroy(p->reorder[i]);
        if (p->inner[i] && p->inner[i] != p->user[i]) dnnl_memory_destroy(p->inner[i]);
        if (p->user[i]) dnnl_memory_destroy(p->user[i]);
    }
    if (p->scratch) dnnl_memory_destroy(p->scratch);
    if (p->conv) dnnl_primitive_destroy(p->conv);
    if (p->stream) dnnl_stream_destroy(p->stream);
    free(p);
}

static inline dnnl_engine_t cdnnl_engine_create(void) {
    dnnl_engine_t engine = NULL;
    if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) return NULL;
    return engine;
}

static inline void cdnnl_engine_destroy(dnnl_engine_t engine) { if (engine) dnnl_engine_destroy(engine); }

// One slot: the caller's memory and, when the primitive wants another layout, its own buffer and the
// reorder between the two (caller -> primitive for inputs, primitive -> caller for the output).
static inline int cdnnl_slot(cdnnl_conv *p, dnnl_engine_t engine, int i, const dnnl_memory_desc_t *user_md,
                             const dnnl_memory_desc_t *inner_md) {
    if (dnnl_memory_create(&p->user[i], user_md, engine, DNNL_MEMORY_NONE) != dnnl_success) return 0;
    if (dnnl_memory_desc_equal(user_md, inner_md)) { p->inner[i] = p->user[i]; return 1; }
    if (dnnl_memory_create(&p->inner[i], inner_md, engine, DNNL_MEMORY_ALLOCATE) != dnnl_success) return 0;
    dnnl_primitive_desc_t rpd = NULL;
    int output = i == 2;
    if (dnnl_reorder_primitive_desc_create(&rpd, output ? inner_md : user_md, engine,
                                           output ? user_md : inner_md, engine, NULL) != dnnl_success) return 0;
    dnnl_status_t s = dnnl_primitive_create(&p->reorder[i], rpd);
    dnnl_primitive_desc_destroy(rpd);
    return s == dnnl_success;
}

// The convolution `kind` of input [n, c, h, w] with weights [o, c, kh, kw] into [n, o, ho, wo] at the
// given strides and top/left padding. `blocked`: the primitive picks its layouts (reorders around it);
// otherwise it works on the plain layouts. `winograd`: ask for Winograd's algorithm (NULL if none).
// NULL when oneDNN has no implementation for these shapes.
static inline cdnnl_conv *cdnnl_conv_create(dnnl_engine_t engine, int kind, int blocked, int winograd,
                                            int64_t n, int64_t c, int64_t h, int64_t w, int64_t o, int64_t kh, int64_t kw,
                                            int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t ho, int64_t wo) {
    dnnl_dims_t src_dims = {n, c, h, w}, wei_dims = {o, c, kh, kw}, dst_dims = {n, o, ho, wo};
    dnnl_dims_t strides = {sh, sw}, pad_l = {ph, pw};
    dnnl_dims_t pad_r = {(ho - 1) * sh + kh - h - ph, (wo - 1) * sw + kw - w - pw};
    if (pad_r[0] < 0 || pad_r[1] < 0) return NULL;
    dnnl_memory_desc_t src_user, wei_user, dst_user, src_any, wei_any, dst_any;
    dnnl_format_tag_t act = blocked ? dnnl_format_tag_any : dnnl_nchw, wt = blocked ? dnnl_format_tag_any : dnnl_oihw;
    if (dnnl_memory_desc_init_by_tag(&src_user, 4, src_dims, dnnl_f32, dnnl_nchw) != dnnl_success
        || dnnl_memory_desc_init_by_tag(&wei_user, 4, wei_dims, dnnl_f32, dnnl_oihw) != dnnl_success
        || dnnl_memory_desc_init_by_tag(&dst_user, 4, dst_dims, dnnl_f32, dnnl_nchw) != dnnl_success
        || dnnl_memory_desc_init_by_tag(&src_any, 4, src_dims, dnnl_f32, act) != dnnl_success
        || dnnl_memory_desc_init_by_tag(&wei_any, 4, wei_dims, dnnl_f32, wt) != dnnl_success
        || dnnl_memory_desc_init_by_tag(&dst_any, 4, dst_dims, dnnl_f32, act) != dnnl_success) return NULL;
    dnnl_alg_kind_t alg = winograd ? dnnl_convolution_winograd : dnnl_convolution_direct;

    dnnl_primitive_attr_t attr = NULL;
    if (dnnl_primitive_attr_create(&attr) != dnnl_success) return NULL;
    dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);

    cdnnl_conv *p = (cdnnl_conv *)calloc(1, sizeof(cdnnl_conv));
    dnnl_primitive_desc_t fwd = NULL, pd = NULL;
    dnnl_convolution_desc_t fd, bd;
    int ok = p != NULL
        && dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training, alg, &src_any, &wei_any, NULL, &dst_any,
                                              strides, pad_l, pad_r) == dnnl_success
        && dnnl_primitive_desc_create(&fwd, &fd, attr, engine, NULL) == dnnl_success;
    if (ok && kind == CDNNL_FORWARD) {
        pd = fwd; fwd = NULL;
    } else if (ok && kind == CDNNL_BACKWARD_DATA) {
        ok = dnnl_convolution_backward_data_desc_init(&bd, alg, &src_any, &wei_any, &dst_any, strides, pad_l, pad_r) == dnnl_success
            && dnnl_primitive_desc_create(&pd, &bd, attr, engine, fwd) == dnnl_success;
    } else if (ok) {
        ok = dnnl_convolution_backward_weights_desc_init(&bd, alg, &src_any, &wei_any, NULL, &dst_any, strides, pad_l, pad_r) == dnnl_success
            && dnnl_primitive_desc_create(&pd, &bd, attr, engine, fwd) == dnnl_success;
    }
    dnnl_primitive_attr_destroy(attr);
    if (fwd) dnnl_primitive_desc_destroy(fwd);
    if (!ok) { if (pd) dnnl_primitive_desc_destroy(pd); cdnnl_conv_destroy(p); return NULL; }

    const dnnl_memory_desc_t *md[3];
    const dnnl_memory_desc_t *user[3];
    if (kind == CDNNL_FORWARD) {
        p->arg[0] = DNNL_ARG_SRC; p->arg[1] = DNNL_ARG_WEIGHTS; p->arg[2] = DNNL_ARG_DST;
        md[0] = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
        md[1] = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
        md[2] = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
        user[0] = &src_user; user[1] = &wei_user; user[2] = &dst_user;
    } else if (kind == CDNNL_BACKWARD_DATA) {
        p->arg[0] = DNNL_ARG_DIFF_DST; p->arg[1] = DNNL_ARG_WEIGHTS; p->arg[2] = DNNL_ARG_DIFF_SRC;
        md[0] = dnnl_primitive_desc_query_md(pd, dnnl_query_diff_dst_md, 0);
        md[1] = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
        md[2] = dnnl_primitive_desc_query_md(pd, dnnl_query_diff_src_md, 0);
        user[0] = &dst_user; user[1] = &wei_user; user[2] = &src_user;
    } else {
        p->arg[0] = DNNL_ARG_SRC; p->arg[1] = DNNL_ARG_DIFF_DST; p->arg[2] = DNNL_ARG_DIFF_WEIGHTS;
        md[0] = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
        md[1] = dnnl_primitive_desc_query_md(pd, dnnl_query_diff_dst_md, 0);
        md[2] = dnnl_primitive_desc_query_md(pd, dnnl_query_diff_weights_md, 0);
        user[0] = &src_user; user[1] = &dst_user; user[2] = &wei_user;
    }
    const char *impl = NULL;
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success && impl)
        strncpy(p->implementation, impl, sizeof(p->implementation) - 1);
    for (int i = 0; i < 3 && ok; i++) ok = md[i] && cdnnl_slot(p, engine, i, user[i], md[i]);
    const dnnl_memory_desc_t *smd = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    if (ok && smd && dnnl_memory_desc_get_size(smd) > 0)
        ok = dnnl_memory_create(&p->scratch, smd, engine, DNNL_MEMORY_ALLOCATE) == dnnl_success;
    ok = ok && dnnl_primitive_create(&p->conv, pd) == dnnl_success
        && dnnl_stream_create(&p->stream, engine, dnnl_stream_default_flags) == dnnl_success;
    dnnl_primitive_desc_destroy(pd);
    if (!ok) { cdnnl_conv_destroy(p); return NULL; }
    return p;
}

// Runs the convolution on the caller's buffers (slots as in `cdnnl_conv`) with `threads` OpenMP threads.
// Returns 1 on success.
static inline int cdnnl_conv_execute(cdnnl_conv *p, const float *in0, const float *in1, float *out, int threads) {
    cdnnl_set_threads(threads);
    void *handles[3] = {(void *)in0, (void *)in1, (void *)out};
    for (int i = 0; i < 3; i++)
        if (dnnl_memory_set_data_handle(p->user[i], handles[i]) != dnnl_success) return 0;
    for (int i = 0; i < 2; i++) {
        if (!p->reorder[i]) continue;
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, p->user[i]}, {DNNL_ARG_TO, p->inner[i]}};
        if (dnnl_primitive_execute(p->reorder[i], p->stream, 2, args) != dnnl_success) return 0;
    }
    dnnl_exec_arg_t args[4] = {{p->arg[0], p->inner[0]}, {p->arg[1], p->inner[1]}, {p->arg[2], p->inner[2]},
                               {DNNL_ARG_SCRATCHPAD, p->scratch}};
    if (dnnl_primitive_execute(p->conv, p->stream, p->scratch ? 4 : 3, args) != dnnl_success) return 0;
    if (p->reorder[2]) {
        dnnl_exec_arg_t back[2] = {{DNNL_ARG_FROM, p->inner[2]}, {DNNL_ARG_TO, p->user[2]}};
        if (dnnl_primitive_execute(p->reorder[2], p->stream, 2, back) != dnnl_success) return 0;
    }
    return dnnl_stream_wait(p->stream) == dnnl_success;
}

static inline const char *cdnnl_conv_implementation(const cdnnl_conv *p) { return p->implementation; }
