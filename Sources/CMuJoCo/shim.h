// MuJoCo 2.2.2 (Debian libmujoco-dev). Accessors for what Swift cannot import directly.
#include <mujoco/mujoco.h>

// mjVFS holds fixed-size C arrays that import as huge tuples; index them here instead.
static inline void* cmj_vfs_filedata(mjVFS* vfs, int i) { return vfs->filedata[i]; }

// Installs/removes the error and warning hooks (Swift assigns C function pointers through these so it
// never has to name the mutable C globals directly).
static inline void cmj_set_user_error(void (*f)(const char*)) { mju_user_error = f; }
static inline void cmj_set_user_warning(void (*f)(const char*)) { mju_user_warning = f; }

// Warning counters of mjData (an array of structs that imports as a tuple).
static inline int cmj_warning_count(const mjData* d, int i) { return d->warning[i].number; }
static inline void cmj_clear_warnings(mjData* d) {
    for (int i = 0; i < mjNWARNING; i++) { d->warning[i].number = 0; d->warning[i].lastinfo = 0; }
}

// The mono GL camera of a scene (camera[0] and camera[1] are the stereo pair; mono uses their average).
static inline void cmj_set_scene_camera(mjvScene* scn, const float pos[3], const float forward[3],
                                        const float up[3], float center, float bottom, float top,
                                        float znear, float zfar) {
    for (int c = 0; c < 2; c++) {
        for (int i = 0; i < 3; i++) {
            scn->camera[c].pos[i] = pos[i];
            scn->camera[c].forward[i] = forward[i];
            scn->camera[c].up[i] = up[i];
        }
        scn->camera[c].frustum_center = center;
        scn->camera[c].frustum_bottom = bottom;
        scn->camera[c].frustum_top = top;
        scn->camera[c].frustum_near = znear;
        scn->camera[c].frustum_far = zfar;
    }
    scn->stereo = mjSTEREO_NONE;
}

static inline void cmj_set_geomgroup(mjvOption* opt, int group, int visible) { opt->geomgroup[group] = (mjtByte)visible; }
static inline void cmj_set_vis_flag(mjvOption* opt, int flag, int value) { opt->flags[flag] = (mjtByte)value; }
static inline void cmj_set_render_flag(mjvScene* scn, int flag, int value) { scn->flags[flag] = (mjtByte)value; }
