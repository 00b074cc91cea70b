"""A robomimic view of cliport datasets: one small HDF5 file whose arrays are HDF5 virtual datasets over the
shards, so robomimic's `SequenceDataset` reads every observation key with `load_next_obs=True` without a
copied image:

- `obs/<key>`: the shard's `obs/<key>` as is, except depth, which gets robomimic's trailing channel axis:
  `obs/<cam>_depth` is [T, H, W, 1] (uint16, metres = value x the `scale` attribute, 0 = no depth) and
  `obs/heightmap_height` [T, rows, cols, 1] (float32 metres);
- `next_obs/<key>`: rows 1..T-1 of the shard's `obs/<key>` followed by its `final_obs/<key>` (the
  observation after the last action), mapped, not copied;
- `obs/object_poses`: float32 [T, K_max, 7], the episode's K poses then zeros, with `obs/object_mask`
  (float32 [T, K_max], 1 for a real object) and `obs/object_count` (float32 [T, 1]), so episodes with
  different object counts batch together (the only arrays copied: a few KB per episode);
- `actions`, `rewards`, `dones` and the `action_dict/*` labels map the shard's; episode attributes, masks
  (`mask/train`, `mask/valid`, renamed) and `env_args` are carried over.

Several datasets (tasks) can go into one view; their cameras, workspace and storage must match. Virtual
sources are stored relative to the view's folder, so keep the view beside (or above) the shards it maps.
Needs HDF5 1.10 or newer (virtual datasets) on the reading side; h5py's wheels have it."""

import json
import os

import h5py
import numpy as np

from . import layout as L
from .reader import open_same_setup

POSE_KEYS = ("object_mask", "object_count")


def _source(episode):
    """(file, group path) that really hold an episode (a merged index's demo is an external link)."""
    f = episode.dataset._file(episode.shard)
    link = f[L.DATA_GROUP].get(episode.demo, getlink=True)
    if isinstance(link, h5py.ExternalLink):
        target = link.filename
        if not os.path.isabs(target):
            target = os.path.join(os.path.dirname(os.path.abspath(episode.shard)), target)
        return os.path.abspath(target), link.path
    return os.path.abspath(episode.shard), f"/{L.DATA_GROUP}/{episode.demo}"


def _virtual(group, name, source_file, source_path, dataset, channel=False, rows=None, tail=None, view_dir="."):
    """`group[name]` as a virtual dataset of `dataset` (in `source_file` at `source_path`): all of it, or `rows`
    (start, stop) of its first axis followed by row 0 of `tail` = (path, dataset). `channel` adds a trailing
    axis of 1 (robomimic's depth layout)."""
    rel = os.path.relpath(source_file, view_dir)
    src_shape = dataset.shape
    n = src_shape[0] if rows is None else rows[1] - rows[0] + 1
    shape = (n,) + tuple(src_shape[1:]) + ((1,) if channel else ())
    layout = h5py.VirtualLayout(shape=shape, dtype=dataset.dtype)
    inner = (slice(None),) * (len(src_shape) - 1) + ((0,) if channel else ())

    def place(first, count, source):
        if count > 0:
            layout[(slice(first, first + count),) + inner] = source

    vs = h5py.VirtualSource(rel, source_path, shape=src_shape)
    if rows is None:
        place(0, n, vs)
    else:
        start, stop = rows
        place(0, stop - start, vs[start:stop])
        tail_path, tail_set = tail
        place(stop - start, 1, h5py.VirtualSource(rel, tail_path, shape=tail_set.shape)[0:1])
    d = group.create_virtual_dataset(name, layout, fillvalue=0)
    for k, v in dataset.attrs.items():
        d.attrs[k] = v
    return d


def write_view(inputs, out):
    """Writes the robomimic view of `inputs` (dataset folders, shards or merged indexes) to `out`; returns
    (episodes, steps). The view is written to `out.partial` and renamed when complete."""
    datasets = open_same_setup(inputs, "a robomimic view holds one setup: make one view per setup")
    first = datasets[0].header
    k_max = max((len(e.object_names) for ds in datasets for e in ds), default=0)
    out = os.path.abspath(out)
    view_dir = os.path.dirname(out)
    partial = out + ".partial"
    cams = first.camera_names
    env = json.loads(json.dumps(first.env_args))
    tasks = sorted({e.task for ds in datasets for e in ds})
    if len(tasks) > 1:
        env["env_name"] = "+".join(tasks)
        env["env_kwargs"]["tasks"] = tasks
    env["env_kwargs"]["robomimic_view"] = {
        "depth": "obs/<cam>_depth is [T, H, W, 1] uint16; metres = value * scale",
        "next_obs": "next_obs/<key>[t] = obs/<key>[t + 1], final_obs/<key>[0] for the last step (virtual)",
        "object_poses": f"padded to {k_max} objects; obs/object_mask marks real ones, obs/object_count counts them",
    }
    total = 0
    count = 0
    train, valid = [], []
    with h5py.File(partial, "w", libver=("v110", "latest")) as f:
        data = f.create_group(L.DATA_GROUP)
        for ds in datasets:
            masks = {key: set(ds.mask(key)) for key in ("train", "valid")}
            for i, e in enumerate(ds):
                name = f"demo_{count}"
                count += 1
                if i in masks["train"]:
                    train.append(name)
                if i in masks["valid"]:
                    valid.append(name)
                src_file, src_group = _source(e)
                g = data.create_group(name)
                for k, v in e.group.attrs.items():
                    g.attrs[k] = v
                g.attrs["source_file"] = os.path.relpath(src_file, view_dir)
                g.attrs["source_group"] = src_group
                t = e.num_steps
                total += t
                src = e.group
                for key in (L.ACTIONS, L.REWARDS, L.DONES, L.PICK_POSE, L.PLACE_POSE, L.PICK_PIXEL, L.PLACE_PIXEL,
                            L.PLACE_ROTATION_BIN):
                    _virtual(g, key, src_file, f"{src_group}/{key}", src[key], view_dir=view_dir)
                g.create_dataset(L.INSTRUCTIONS, data=np.array(e.instructions, dtype=object),
                                 dtype=h5py.string_dtype())
                obs, nxt = g.create_group(L.OBS_GROUP), g.create_group("next_obs")
                for key in e.observation_keys():
                    d = src[f"{L.OBS_GROUP}/{key}"]
                    fin = src[f"{L.FINAL_OBS_GROUP}/{key}"]
                    if key == L.OBJECT_POSES:
                        continue
                    channel = key in {L.depth_key(c) for c in cams} or key == L.HEIGHTMAP_HEIGHT
                    _virtual(obs, key, src_file, f"{src_group}/{L.OBS_GROUP}/{key}", d, channel=channel, view_dir=view_dir)
                    _virtual(nxt, key, src_file, f"{src_group}/{L.OBS_GROUP}/{key}", d, channel=channel, rows=(1, t),
                             tail=(f"{src_group}/{L.FINAL_OBS_GROUP}/{key}", fin), view_dir=view_dir)
                k = len(e.object_names)
                poses = np.zeros((t + 1, k_max, 7), dtype=np.float32)
                if k:
                    poses[:t, :k] = e.obs(L.OBJECT_POSES)
                    poses[t, :k] = e.final_obs(L.OBJECT_POSES)
                mask = np.zeros((t + 1, k_max), dtype=np.float32)
                mask[:, :k] = 1
                counts = np.full((t + 1, 1), k, dtype=np.float32)
                for group, rows in ((obs, slice(0, t)), (nxt, slice(1, t + 1))):
                    p = group.create_dataset(L.OBJECT_POSES, data=poses[rows])
                    p.attrs["layout"] = "x y z qx qy qz qw per object, in object_names order, world frame; zeros past object_count"
                    group.create_dataset("object_mask", data=mask[rows])
                    group.create_dataset("object_count", data=counts[rows])
        data.attrs["total"] = total
        data.attrs["env_args"] = json.dumps(env, sort_keys=True)
        f.attrs["schema_version"] = L.SCHEMA_VERSION
        f.attrs["env_args"] = json.dumps(env, sort_keys=True)
        f.attrs["robomimic_view_of"] = [os.path.relpath(os.path.abspath(ds.path), view_dir) for ds in datasets]
        mask_group = f.create_group(L.MASK_GROUP)
        for key, names in (("train", train), ("valid", valid)):
            mask_group.create_dataset(key, data=np.array(names, dtype=object), dtype=h5py.string_dtype())
    os.replace(partial, out)
    return count, total


def obs_specs(path):
    """robomimic's obs-modality spec for a view: every rgb, depth and low-dim key of its first episode."""
    with h5py.File(path, "r") as f:
        demo = f[L.DATA_GROUP][L.demo_names(f[L.DATA_GROUP].keys())[0]]
        keys = sorted(demo[L.OBS_GROUP].keys())
    rgb = [k for k in keys if k.endswith("_rgb")]
    # The fused height is a one-channel image as depth is: robomimic's depth modality.
    depth = [k for k in keys if k.endswith("_depth") or k == L.HEIGHTMAP_HEIGHT]
    low_dim = [k for k in keys if k not in rgb and k not in depth]
    return {"obs": {"rgb": rgb, "depth": depth, "low_dim": low_dim}}
