"""A drop-in for CLIPort's `cliport.dataset.RavensDataset` over a cliport-swift dataset: `__getitem__` returns
the same `(sample, goal)` dicts with the same keys, shapes, dtypes, value ranges and augmentation semantics,
so CLIPort's `train.py` trains on our data when its dataset class is swapped (docs/interop.md has the
field-by-field table). The heightmap is the one stored in the file (fused at generation time, as CLIPort's
`get_fused_heightmap` would fuse the stored cameras), so no cameras are re-fused per sample.

torch is optional: with it the class is a `torch.utils.data.Dataset`; without, a plain sequence."""

import math
import os
import warnings

import numpy as np

from . import augment
from .reader import Dataset

try:  # torch is optional
    from torch.utils.data import Dataset as _Base
except ImportError:  # pragma: no cover - exercised where torch is absent
    _Base = object

TASK_COMPLETED = "task completed."
DEFAULT_CFG = {"dataset": {"images": True, "cache": False, "augment": {"theta_sigma": 60}}}


def yaw_szxy(quaternion_xyzw):
    """CLIPort's `quatXYZW_to_eulerXYZ(q)[2]`: the first angle of transforms3d's static z-x-y Euler
    decomposition (`quat2euler(wxyz, axes='szxy')[0]`), the rotation about world z."""
    x, y, z, w = (float(v) for v in quaternion_xyzw)
    n = x * x + y * y + z * z + w * w
    s = 2.0 / n if n > np.finfo(np.float64).eps else 0.0
    # Rotation matrix entries the decomposition needs (transforms3d's quat2mat).
    m00 = 1.0 - (y * y + z * z) * s
    m01 = (x * y - w * z) * s
    m02 = (x * z + w * y) * s
    m10 = (x * y + w * z) * s
    m11 = 1.0 - (x * x + z * z) * s
    m22 = 1.0 - (x * x + y * y) * s
    cy = math.sqrt(m22 * m22 + m02 * m02)
    if cy > np.finfo(np.float64).eps * 4.0:
        return math.atan2(m10, m11)
    return math.atan2(-m01, m00)


class RavensDataset(_Base):
    """CLIPort's `RavensDataset(path, cfg, n_demos, augment)` over a cliport-swift dataset folder (or shard).

    `cfg['dataset']`: `images` (False: `load` leaves observations empty), `cache` (keep loaded episodes),
    `augment.theta_sigma` (degrees, default 60). Randomness comes from numpy's global generator, as in
    CLIPort (seed it with `np.random.seed`)."""

    def __init__(self, path, cfg=None, n_demos=0, augment=False):
        self._path = path
        self.cfg = cfg if cfg is not None else DEFAULT_CFG
        self.data = Dataset(path)
        self.sample_set = []
        self.n_episodes = len(self.data)
        self.max_seed = max((self.data[i].seed for i in range(self.n_episodes)), default=-1)
        self.images = self.cfg["dataset"].get("images", True)
        self.cache = self.cfg["dataset"].get("cache", False)
        self.n_demos = n_demos
        self.augment = augment
        self.aug_theta_sigma = self.cfg["dataset"]["augment"]["theta_sigma"] if "augment" in self.cfg["dataset"] else 60
        h = self.data.header
        self.pix_size = h.pixel_size
        self.bounds = h.bounds
        self.in_shape = tuple(h.heightmap_shape) + (6,)
        self._cache = {}
        if self.n_demos > 0:
            if self.n_demos > self.n_episodes:
                raise Exception(f"Requested training on {self.n_demos} demos, but only {self.n_episodes} demos exist "
                                f"in the dataset path: {self._path}.")
            self.set(np.random.choice(range(self.n_episodes), self.n_demos, False))

    def set(self, episodes):
        """Limit random samples to a fixed set of episode indices."""
        self.sample_set = episodes

    def __len__(self):
        return len(self.sample_set)  # CLIPort's: 0 unless n_demos > 0 (train.py always passes n_demos)

    # -- CLIPort's raw episode ---------------------------------------------------------------------------

    def load(self, episode_id, images=True, cache=False):
        """Episode `episode_id` as CLIPort stores it: a list of T + 1 `(obs, act, reward, info)` with
        obs = {'color': uint8 [cams, H, W, 3], 'depth': float32 [cams, H, W] metres} (empty without images),
        act = {'pose0': (xyz, xyzw), 'pose1': (xyz, xyzw)} (None after the last action), reward t the reward
        earned arriving at observation t (0 first), info = {'lang_goal': str}. Returns (episode, seed)."""
        key = (episode_id, bool(images))
        if cache and key in self._cache:
            return self._cache[key]
        ep = self.data[int(episode_id)]
        cams = self.data.header.camera_names
        episode = []
        for t in range(ep.num_steps + 1):
            obs = {}
            if images:
                obs = {"color": np.stack([ep.observation_array(f"{c}_rgb", t) for c in cams]),
                       "depth": np.stack([ep.depth_m(c, t) for c in cams])}
            if t < ep.num_steps:
                a = ep.actions[t].astype(np.float64)
                act = {"pose0": (a[0:3], a[3:7]), "pose1": (a[7:10], a[10:14])}
                lang = ep.instructions[t]
            else:
                act, lang = None, TASK_COMPLETED
            reward = 0.0 if t == 0 else float(ep.rewards[t - 1])
            episode.append((obs, act, reward, {"lang_goal": lang}))
        result = (episode, ep.seed)
        if cache:
            self._cache[key] = result
        return result

    # -- CLIPort's training sample ----------------------------------------------------------------------

    def get_image(self, episode, t):
        """CLIPort's `get_image`: float32 [320, 160, 6], colour 0-255 then the height (m) three times, from the
        stored fused heightmap (observation t; t = num_steps is the one after the last action)."""
        cmap, hmap = episode.heightmap(t)
        img = np.concatenate((cmap, hmap[..., None], hmap[..., None], hmap[..., None]), axis=2)
        assert img.shape == self.in_shape, img.shape
        return img

    def process_sample(self, episode, t, augment=True):
        img = self.get_image(episode, t)
        pick, place = episode.pick_pose[t], episode.place_pose[t]
        p0 = (int(episode.pick_pixel[t][0]), int(episode.pick_pixel[t][1]))
        p1 = (int(episode.place_pixel[t][0]), int(episode.place_pixel[t][1]))
        p0_theta = -np.float32(yaw_szxy(pick[3:7]))
        p1_theta = -np.float32(yaw_szxy(place[3:7]))
        p1_theta = p1_theta - p0_theta
        p0_theta = 0
        perturb_params = None
        if augment:
            img, _, (p0, p1), perturb_params = augment_module.perturb(img, [p0, p1], theta_sigma=self.aug_theta_sigma)
        return {"img": img, "p0": p0, "p0_theta": p0_theta, "p1": p1, "p1_theta": p1_theta,
                "perturb_params": perturb_params, "lang_goal": episode.instructions[t]}

    def process_goal(self, episode, g, perturb_params):
        img = self.get_image(episode, g)
        if perturb_params:
            img = augment_module.apply_perturbation(img, perturb_params)
        lang = episode.instructions[g] if g < episode.num_steps else TASK_COMPLETED
        return {"img": img, "p0": None, "p0_theta": None, "p1": None, "p1_theta": None,
                "perturb_params": perturb_params, "lang_goal": lang}

    def is_sequential(self, episode):
        return "-seq" in episode.task or "-seq" in os.path.basename(os.path.normpath(self._path))

    def sample_at(self, episode_id, i, augment=None):
        """The `(sample, goal)` of step i of episode `episode_id` (what `__getitem__` returns after its draws)."""
        episode = self.data[int(episode_id)]
        g = i + 1 if self.is_sequential(episode) else episode.num_steps
        sample = self.process_sample(episode, i, augment=self.augment if augment is None else augment)
        goal = self.process_goal(episode, g, perturb_params=sample["perturb_params"])
        return sample, goal

    def __getitem__(self, idx):
        # As CLIPort: the index is ignored; a random episode of the sample set, then a random step.
        if len(self.sample_set) > 0:
            episode_id = np.random.choice(self.sample_set)
        else:
            episode_id = np.random.choice(range(self.n_episodes))
        if not self.images:
            warnings.warn("images=False: samples need the heightmaps; use load(episode_id, images=False) for labels")
        episode = self.data[int(episode_id)]
        i = np.random.choice(range(episode.num_steps))   # CLIPort: range(len(episode) - 1) of its T + 1 entries
        return self.sample_at(episode_id, i)


augment_module = augment
