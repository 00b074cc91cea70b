"""Numpy access to a cliport dataset: a folder of HDF5 shards (or one shard, or a merged index), its episodes
and their steps, with the calibration stored in the file (docs/dataset-format.md)."""

import glob
import json
import os
from dataclasses import dataclass, field

import h5py
import numpy as np

from . import layout as L


class DatasetError(Exception):
    """A dataset that cannot be read: the message names the file, the problem and the fix."""


@dataclass(frozen=True)
class Camera:
    """One camera of `env_args`: OpenCV convention (+x right, +y down, +z forward); `position` and
    `orientation_xyzw` map camera coordinates to world (the robot base frame), metres."""
    name: str
    width: int
    height: int
    K: np.ndarray
    position: np.ndarray
    orientation_xyzw: np.ndarray
    z_near: float
    z_far: float
    rgb_key: str
    depth_key: str

    @property
    def rotation(self):
        """The 3x3 rotation world_from_camera."""
        return quaternion_matrix(self.orientation_xyzw)

    def world_from_camera(self):
        """The 4x4 homogeneous transform p_world = T p_cam."""
        t = np.eye(4)
        t[:3, :3] = self.rotation
        t[:3, 3] = self.position
        return t

    def back_project(self, depth_m):
        """World points [H, W, 3] of a depth image in metres (0 = no depth gives the camera position)."""
        v, u = np.mgrid[0:depth_m.shape[0], 0:depth_m.shape[1]]
        fx, fy, cx, cy = self.K[0, 0], self.K[1, 1], self.K[0, 2], self.K[1, 2]
        cam = np.stack([(u - cx) * depth_m / fx, (v - cy) * depth_m / fy, depth_m], axis=-1)
        return cam @ self.rotation.T + self.position


def quaternion_matrix(xyzw):
    x, y, z, w = np.asarray(xyzw, dtype=np.float64) / np.linalg.norm(xyzw)
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


@dataclass(frozen=True)
class Header:
    """Per-file facts from `env_args`: task, split, cameras, depth encoding, workspace, rotation bins."""
    task: str
    split: str
    schema_version: int
    generator: str
    cameras: tuple
    depth_dtype: str
    depth_scale: float
    bounds: np.ndarray
    pixel_size: float
    heightmap_shape: tuple
    rotation_bins: int
    look: str = None
    env_args: dict = field(default=None, repr=False, compare=False)

    @property
    def camera_names(self):
        return [c.name for c in self.cameras]

    @staticmethod
    def parse(text, path="env_args"):
        try:
            args = json.loads(text)
            k = args["env_kwargs"]
            cams = tuple(Camera(name=c["name"], width=int(c["width"]), height=int(c["height"]),
                                K=np.array(c["K"], dtype=np.float64).reshape(3, 3),
                                position=np.array(c["position"], dtype=np.float64),
                                orientation_xyzw=np.array(c["orientation_xyzw"], dtype=np.float64),
                                z_near=float(c["z_near"]), z_far=float(c["z_far"]),
                                rgb_key=c["rgb_key"], depth_key=c["depth_key"]) for c in k["cameras"])
            ws = k["workspace"]
            return Header(task=k["task"], split=k["split"], schema_version=int(k["schema_version"]),
                          generator=k["generator"], cameras=cams, depth_dtype=k["depth"]["dtype"],
                          depth_scale=float(k["depth"]["scale"]), bounds=np.array(ws["bounds"], dtype=np.float64),
                          pixel_size=float(ws["pixel_size"]), heightmap_shape=tuple(ws["heightmap_shape"]),
                          rotation_bins=int(k["rotation_bins"]), look=k.get("look"), env_args=args)
        except (KeyError, TypeError, ValueError) as e:
            raise DatasetError(f"{path}: env_args is not a cliport header ({e!r}); "
                               "the file was not written by cliport (see docs/dataset-format.md)") from e

    def same_setup(self, other):
        """Same cameras, workspace and storage (the task and split may differ)."""
        return (self.depth_dtype == other.depth_dtype and self.depth_scale == other.depth_scale
                and np.array_equal(self.bounds, other.bounds) and self.pixel_size == other.pixel_size
                and self.rotation_bins == other.rotation_bins and self.camera_names == other.camera_names
                and all(np.allclose(a.K, b.K) and np.allclose(a.position, b.position)
                        and np.allclose(a.orientation_xyzw, b.orientation_xyzw) for a, b in zip(self.cameras, other.cameras)))


def shard_paths(path):
    """The `*.hdf5` files of a folder in name order, or the file itself."""
    if os.path.isdir(path):
        shards = sorted(glob.glob(os.path.join(path, "*.hdf5")))
        if not shards:
            raise DatasetError(f"{path}: no .hdf5 shards in this folder; make some with `cliport demos --out` "
                               "or point at a folder that holds them")
        return shards
    if not os.path.exists(path):
        raise DatasetError(f"{path} does not exist; give a dataset folder or an .hdf5 file made by `cliport demos`")
    return [path]


def open_shard(path):
    """Opens one shard read-only and checks its schema version; one clear message for files it cannot read."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise DatasetError(f"{path} cannot be opened as HDF5 ({e}); it is damaged or not a cliport shard") from e
    if "schema_version" not in f.attrs:
        f.close()
        raise DatasetError(f"{path} has no schema_version attribute: it is not a cliport dataset (docs/dataset-format.md)")
    version = int(f.attrs["schema_version"])
    if version > L.SCHEMA_VERSION:
        f.close()
        raise DatasetError(f"{path} has schema version {version}, newer than this reader's {L.SCHEMA_VERSION}: "
                           "update the package (pip install ./python from a newer cliport checkout)")
    if version < 1:
        f.close()
        raise DatasetError(f"{path} has schema version {version}; cliport files start at 1")
    return f


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass
class Step:
    """Step t of an episode: the observation seen before action t, the action, its reward."""
    index: int
    observation: dict
    actions: np.ndarray          # float32 [14]: pick xyz qxyzw, place xyz qxyzw (world, metres)
    pick_pose: np.ndarray        # float32 [7]
    place_pose: np.ndarray       # float32 [7]
    pick_pixel: np.ndarray       # int32 [2]: heightmap (row, col)
    place_pixel: np.ndarray      # int32 [2]
    place_rotation_bin: int
    reward: float
    done: bool
    instruction: str


class Episode:
    """One `data/demo_N`. Small arrays are read on first use; observations are read per step."""

    def __init__(self, dataset, index, shard, demo):
        self.dataset, self.index, self.shard, self.demo = dataset, index, shard, demo
        a = self.group.attrs
        self.task = _text(a["task"])
        self.split = _text(a["split"])
        self.seed = int(a["seed"])
        self.num_steps = int(a["num_samples"])
        self.success = bool(int(a["success"]))
        self.total_reward = float(a["total_reward"])
        self.source = _text(a["source"])
        self.instruction = _text(a["instruction"])
        self.object_names = [_text(n) for n in a["object_names"]] if "object_names" in a else []
        self._cache = {}

    def __repr__(self):
        return f"Episode({self.index}: {self.task} seed {self.seed}, {self.num_steps} steps, {self.shard}:{self.demo})"

    def __len__(self):
        return self.num_steps

    @property
    def group(self):
        return self.dataset._file(self.shard)[f"{L.DATA_GROUP}/{self.demo}"]

    @property
    def header(self):
        return self.dataset.header

    def _array(self, key):
        if key not in self._cache:
            self._cache[key] = self.group[key][()]
        return self._cache[key]

    actions = property(lambda self: self._array(L.ACTIONS))
    pick_pose = property(lambda self: self._array(L.PICK_POSE))
    place_pose = property(lambda self: self._array(L.PLACE_POSE))
    pick_pixel = property(lambda self: self._array(L.PICK_PIXEL))
    place_pixel = property(lambda self: self._array(L.PLACE_PIXEL))
    place_rotation_bin = property(lambda self: self._array(L.PLACE_ROTATION_BIN))
    rewards = property(lambda self: self._array(L.REWARDS))
    dones = property(lambda self: self._array(L.DONES))

    @property
    def instructions(self):
        if L.INSTRUCTIONS not in self._cache:
            self._cache[L.INSTRUCTIONS] = [_text(s) for s in self.group[L.INSTRUCTIONS][()]]
        return self._cache[L.INSTRUCTIONS]

    def observation_keys(self):
        """The datasets of `obs` (cameras' `<cam>_rgb`, `<cam>_depth`, the heightmap, object poses, joints)."""
        return sorted(k for k, v in self.group[L.OBS_GROUP].items() if isinstance(v, h5py.Dataset))

    def observation(self, t):
        """The observation before action t as {key: array}; t = num_steps is the one after the last action
        (`final_obs`). Arrays as stored: depth in the stored dtype (see `depth_m`), heights in metres."""
        if not 0 <= t <= self.num_steps:
            raise IndexError(f"observation {t} does not exist: {self.demo} has {self.num_steps} steps "
                             f"(observations 0...{self.num_steps}, the last is final_obs)")
        group, row = (L.OBS_GROUP, t) if t < self.num_steps else (L.FINAL_OBS_GROUP, 0)
        g = self.group[group]
        return {k: g[k][row] for k in self.observation_keys()}

    def obs(self, key):
        """One observation key over all steps, [T, ...] as stored."""
        return self.group[f"{L.OBS_GROUP}/{key}"][()]

    def final_obs(self, key):
        return self.group[f"{L.FINAL_OBS_GROUP}/{key}"][0]

    def depth_m(self, camera, t):
        """Depth of `camera` before action t in metres (float32; 0 where there is no depth)."""
        raw = self.observation_array(L.depth_key(camera), t)
        return (raw.astype(np.float64) * self.header.depth_scale).astype(np.float32) \
            if self.header.depth_dtype == "uint16" else raw.astype(np.float32)

    def observation_array(self, key, t):
        group, row = (L.OBS_GROUP, t) if t < self.num_steps else (L.FINAL_OBS_GROUP, 0)
        return self.group[f"{group}/{key}"][row]

    def heightmap(self, t):
        """(colour uint8 [rows, cols, 3], height float32 [rows, cols] in metres above the floor), as stored."""
        return self.observation_array(L.HEIGHTMAP_RGB, t), self.observation_array(L.HEIGHTMAP_HEIGHT, t)

    def object_poses(self, t):
        """float32 [K, 7]: x y z qx qy qz qw of each of `object_names`, world frame."""
        return self.observation_array(L.OBJECT_POSES, t)

    def step(self, t, images=True):
        """Step t; `images=False` leaves the observation empty (fast label access)."""
        if not 0 <= t < self.num_steps:
            raise IndexError(f"step {t} does not exist: {self.demo} has {self.num_steps} steps")
        return Step(index=t, observation=self.observation(t) if images else {},
                    actions=self.actions[t], pick_pose=self.pick_pose[t], place_pose=self.place_pose[t],
                    pick_pixel=self.pick_pixel[t], place_pixel=self.place_pixel[t],
                    place_rotation_bin=int(self.place_rotation_bin[t]), reward=float(self.rewards[t]),
                    done=bool(self.dones[t]), instruction=self.instructions[t])

    def steps(self, images=True):
        for t in range(self.num_steps):
            yield self.step(t, images=images)

    @property
    def steps_list(self):
        return list(self.steps())


class Dataset:
    """A cliport dataset: a folder of shards, one shard, or a merged index. Episodes in shard name order, then
    N order of `demo_N`. Files are opened lazily and per process (safe with PyTorch DataLoader workers)."""

    def __init__(self, path):
        self.path = path
        self.shards = shard_paths(path)
        self._files = {}
        self._pid = os.getpid()
        self.episode_refs = []   # (shard, demo)
        self.headers = {}        # shard -> Header
        for shard in self.shards:
            f = self._file(shard)
            if L.DATA_GROUP not in f:
                raise DatasetError(f"{shard} has no data group: it is not a cliport dataset (docs/dataset-format.md)")
            data = f[L.DATA_GROUP]
            self.headers[shard] = Header.parse(_text(data.attrs["env_args"]), shard)
            for demo in L.demo_names(data.keys()):
                self.episode_refs.append((shard, demo))
        self.header = self.headers[self.shards[0]]
        for shard, h in self.headers.items():
            if not h.same_setup(self.header):
                raise DatasetError(f"{shard} was recorded with other cameras, workspace or storage than {self.shards[0]}; "
                                   "one dataset has one setup: open them separately")

    def _file(self, shard):
        if os.getpid() != self._pid:   # a forked worker: never share HDF5 handles across fork
            self._files, self._pid = {}, os.getpid()
        f = self._files.get(shard)
        if f is None:
            f = self._files[shard] = open_shard(shard)
        return f

    def close(self):
        for f in self._files.values():
            f.close()
        self._files = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_files"] = {}
        return state

    def __len__(self):
        return len(self.episode_refs)

    def episode(self, i):
        if not -len(self) <= i < len(self):
            raise IndexError(f"episode {i} does not exist: {self.path} holds {len(self)} episodes")
        i %= len(self)
        shard, demo = self.episode_refs[i]
        return Episode(self, i, shard, demo)

    __getitem__ = episode

    def __iter__(self):
        for i in range(len(self)):
            yield self.episode(i)

    @property
    def cameras(self):
        return self.header.cameras

    @property
    def tasks(self):
        return sorted({h.task for h in self.headers.values()} | {self.episode(i).task for i in range(len(self))})

    def mask(self, key):
        """Episode indices named by `mask/<key>` of their shard (robomimic's filter keys, e.g. "train")."""
        names = {}
        for shard in self.shards:
            f = self._file(shard)
            path = f"{L.MASK_GROUP}/{key}"
            names[shard] = {_text(n) for n in f[path][()]} if path in f else set()
        return [i for i, (shard, demo) in enumerate(self.episode_refs) if demo in names[shard]]


def open(path):  # noqa: A001 - the package's entry point reads as cliport_data.open(path)
    """A `Dataset` over a folder of shards, one shard or a merged index."""
    return Dataset(path)


def open_same_setup(inputs, purpose):
    """`Dataset`s over `inputs` (one path or several) that must share one setup (cameras, workspace, storage);
    a dataset with another setup is refused, with `purpose` saying what to do instead."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    datasets = [Dataset(p) for p in inputs]
    for ds in datasets[1:]:
        if not ds.header.same_setup(datasets[0].header):
            raise DatasetError(f"{ds.path} was recorded with other cameras, workspace or storage than {datasets[0].path}; "
                               + purpose)
    return datasets
