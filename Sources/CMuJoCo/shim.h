// MuJoCo 2.2.2 (Debian libmujoco-dev). Accessors for what Swift cannot import directly.
#include <mujoco/mujoco.h>
