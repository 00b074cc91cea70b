"""The data contract's checks of `cliport dataset check` (Sources/Dataset/Maintenance/DemoContract.swift and
DatasetChecker.swift), in Python: shapes, dtypes, attributes and values of every episode, masks, `data.total`,
duplicate seeds and the leftovers of an interrupted run. Problems read like the Swift tool's:
(file, "data/demo_0 (seed 2) obs/front_rgb is uint16 [2, 480, 640, 3], expected uint8 [2, 480, 640, 3]")."""

import math
import os

import h5py
import numpy as np

from . import layout as L
from .reader import DatasetError, Header, _text, open_shard, shard_paths

POSE_MARGIN = 0.1
_KIND = {np.dtype("uint8"): "uint8", np.dtype("uint16"): "uint16", np.dtype("int32"): "int32",
         np.dtype("int64"): "int64", np.dtype("float32"): "float32", np.dtype("float64"): "float64"}
_ATTRIBUTES = [("task", "str"), ("split", "str"), ("source", "str"), ("instruction", "str"), ("model_file", "str"),
               ("failure_reason", "str"), ("success", "int"), ("total_reward", "float"), ("object_names", "str")]


def _kind(d):
    return _KIND.get(d.dtype, str(d.dtype))


def _shape(s):
    return "[" + ", ".join(str(n) for n in s) + "]"


def pose_issue(pose, bounds):
    v = [float(x) for x in pose]
    if not all(math.isfinite(x) for x in v):
        return f"= {list(pose)} is not finite"
    for i, axis in enumerate("xyz"):
        lo, hi = bounds[i]
        if v[i] < lo - POSE_MARGIN or v[i] > hi + POSE_MARGIN:
            return f"has {axis} = {v[i]} m, outside the workspace {lo}...{hi} m (margin {POSE_MARGIN} m)"
    norm = math.sqrt(sum(q * q for q in v[3:7]))
    if abs(norm - 1) > 1e-3:
        return f"has a quaternion of norm {norm}, not 1"
    return None


def check_demo(demo, steps, header, deep=False):
    """The issues of one `data/demo_N` group against the contract (empty when it keeps it)."""
    issues = []
    a = demo.attrs
    for key, kind in _ATTRIBUTES:
        if key not in a:
            issues.append(f"lacks the {kind} attribute '{key}'")
    if steps < 1:
        return issues + [f"has num_samples {steps}; an episode has at least one step"]
    objects = len(a["object_names"]) if "object_names" in a else 0
    arrays = {}

    def expect(path, kind, shape):
        d = demo.get(path)
        if not isinstance(d, h5py.Dataset):
            issues.append(f"lacks {path}")
        elif _kind(d) != kind or tuple(d.shape) != tuple(shape):
            issues.append(f"{path} is {_kind(d)} {_shape(d.shape)}, expected {kind} {_shape(shape)}")
        else:
            arrays[path] = d

    rows, cols = header.heightmap_shape
    depth_kind = "uint16" if header.depth_dtype == "uint16" else "float32"
    joint_groups = []
    for group, n in ((L.OBS_GROUP, steps), (L.FINAL_OBS_GROUP, 1)):
        for cam in header.cameras:
            expect(f"{group}/{L.rgb_key(cam.name)}", "uint8", [n, cam.height, cam.width, 3])
            expect(f"{group}/{L.depth_key(cam.name)}", depth_kind, [n, cam.height, cam.width])
        expect(f"{group}/{L.HEIGHTMAP_RGB}", "uint8", [n, rows, cols, 3])
        expect(f"{group}/{L.HEIGHTMAP_HEIGHT}", "float32", [n, rows, cols])
        expect(f"{group}/{L.OBJECT_POSES}", "float32", [n, objects, 7])
        joints = f"{group}/{L.ROBOT_JOINTS}"
        if joints in demo:
            joint_groups.append(group)
            expect(joints, "float64", [n, L.ROBOT_JOINT_COUNT])
    if len(joint_groups) == 1:
        issues.append(f"has {joint_groups[0]}/{L.ROBOT_JOINTS} but not the other observation group's; both or neither")
    expect(L.ACTIONS, "float32", [steps, 14])
    expect(L.PICK_POSE, "float32", [steps, 7])
    expect(L.PLACE_POSE, "float32", [steps, 7])
    expect(L.PICK_PIXEL, "int32", [steps, 2])
    expect(L.PLACE_PIXEL, "int32", [steps, 2])
    expect(L.PLACE_ROTATION_BIN, "int32", [steps])
    expect(L.REWARDS, "float64", [steps])
    expect(L.DONES, "uint8", [steps])
    d = demo.get(L.INSTRUCTIONS)
    if not isinstance(d, h5py.Dataset):
        issues.append(f"lacks {L.INSTRUCTIONS}")
    elif h5py.check_string_dtype(d.dtype) is None or h5py.check_string_dtype(d.dtype).length is not None \
            or tuple(d.shape) != (steps,):
        issues.append(f"{L.INSTRUCTIONS} is {d.dtype} {_shape(d.shape)}, expected vlen str [{steps}]")
    if issues:
        return issues

    unreadable = set()

    def values(path):
        if path in unreadable:
            return None
        try:
            return arrays[path][()]
        except OSError as e:
            unreadable.add(path)
            issues.append(_read_failure(path, e))
            return None

    if deep:
        for path, d in arrays.items():
            if d.size == 0:
                continue
            try:
                for row in range(d.shape[0]):
                    d[row]
            except OSError as e:
                unreadable.add(path)
                issues.append(_read_failure(path, e))

    success, total = int(a["success"]), float(a["total_reward"])
    if success != 1:
        issues.append(f"has success = {success}: a failed episode does not belong in a demos dataset")
    if (total > 0.99) != (success == 1):
        issues.append(f"has total_reward {total} but success = {success} (success means > 0.99)")
    rewards = values(L.REWARDS)
    if rewards is not None:
        bad = np.flatnonzero(~np.isfinite(rewards))
        if bad.size:
            issues.append(f"{L.REWARDS}[{bad[0]}] is {rewards[bad[0]]}; rewards are finite")
        elif abs(float(rewards.sum()) - total) > 1e-6:
            issues.append(f"rewards add up to {float(rewards.sum())}, not total_reward {total}")
    dones = values(L.DONES)
    if dones is not None:
        if dones[-1] != 1:
            issues.append("does not end with done = 1")
        bad = np.flatnonzero(dones > 1)
        if bad.size:
            issues.append(f"{L.DONES}[{bad[0]}] is {dones[bad[0]]}; dones are 0 or 1")
    for key in (L.PICK_PIXEL, L.PLACE_PIXEL):
        p = values(key)
        if p is None:
            continue
        for i in range(steps):
            if not (0 <= p[i, 0] < rows and 0 <= p[i, 1] < cols):
                issues.append(f"{key}[{i}] = ({p[i, 0]}, {p[i, 1]}) is outside the {rows}x{cols} heightmap")
    bins = values(L.PLACE_ROTATION_BIN)
    if bins is not None:
        bad = [b for b in bins if not 0 <= b < header.rotation_bins]
        if bad:
            issues.append(f"has place_rotation_bin {bad[0]}, outside 0..<{header.rotation_bins}")
    pick, place = values(L.PICK_POSE), values(L.PLACE_POSE)
    for key, poses in ((L.PICK_POSE, pick), (L.PLACE_POSE, place)):
        if poses is None:
            continue
        for i in range(steps):
            text = pose_issue(poses[i], header.bounds)
            if text:
                issues.append(f"{key}[{i}] {text}")
    actions = values(L.ACTIONS)
    if actions is not None and pick is not None and place is not None:
        for i in range(steps):
            if not np.array_equal(actions[i], np.concatenate([pick[i], place[i]])):
                issues.append(f"{L.ACTIONS}[{i}] differs from {L.PICK_POSE}[{i}] + {L.PLACE_POSE}[{i}]")
    for group in (L.OBS_GROUP, L.FINAL_OBS_GROUP):
        key = f"{group}/{L.OBJECT_POSES}"
        poses = values(key)
        if poses is not None:
            flat = poses.reshape(-1)
            bad = np.flatnonzero(~np.isfinite(flat))
            if bad.size:
                issues.append(f"{key} holds {flat[bad[0]]} at value {bad[0]}; object poses are finite")
        joints = f"{group}/{L.ROBOT_JOINTS}"
        if len(joint_groups) == 2:
            q = values(joints)
            if q is not None:
                flat = q.reshape(-1)
                bad = np.flatnonzero(~np.isnan(flat) & ~(np.abs(flat) <= 2 * math.pi + 1e-9))
                if bad.size:
                    issues.append(f"{joints} holds {flat[bad[0]]} at value {bad[0]}; joint angles are within +-2 pi "
                                  "radians (NaN: unknown)")
    return issues


def _read_failure(path, error):
    text = str(error)
    if "fletcher" in text.lower() or "checksum" in text.lower():
        return f"{path} fails its checksum: its stored bytes changed after writing ({text})"
    return f"{path} cannot be decoded: {text}"


def check(path, deep=False):
    """[(file, problem)] for a dataset folder, a shard or a merged index; empty when the contract holds."""
    problems = []
    if not os.path.exists(path):
        return [(path, "does not exist; give a dataset folder or an .hdf5 file made by `cliport demos`")]
    if os.path.isdir(path):
        for name in sorted(os.listdir(path)):
            if name.endswith(".partial"):
                problems.append((name, "is an unfinished write left by an interrupted run; rerun the same "
                                       "`cliport demos` command (it is regenerated) or delete it"))
    try:
        shards = shard_paths(path)
    except DatasetError as e:
        return problems + [(path, str(e))]
    seeds = {}
    first = None
    for shard in shards:
        name = os.path.basename(shard)
        try:
            f = open_shard(shard)
        except DatasetError as e:
            problems.append((name, f"cannot be read: {e}"))
            continue
        with f:
            try:
                data = f[L.DATA_GROUP]
                header = Header.parse(_text(data.attrs["env_args"]), shard)
            except (KeyError, DatasetError) as e:
                problems.append((name, f"cannot be read: {e}"))
                continue
            if first is None:
                first = (name, header)
            elif not first[1].same_setup(header):
                problems.append((name, f"its cameras, workspace or storage differ from {first[0]}'s; one dataset has one setup"))
            members = list(data.keys())
            demos = L.demo_names(members)
            steps_total = 0
            for demo in demos + [m for m in members if m not in demos]:
                if L.demo_index(demo) is None:
                    problems.append((name, f"{L.DATA_GROUP}/{demo} is not named demo_N"))
                    continue
                try:
                    g = data[demo]
                except KeyError:
                    problems.append((name, f"{L.DATA_GROUP}/{demo} cannot be opened; the shard it points to is missing or "
                                           "moved: keep the merged file next to its shards, or merge again"))
                    continue
                t = int(g.attrs["num_samples"])
                seed = int(g.attrs["seed"])
                steps_total += t
                where = f"{L.DATA_GROUP}/{demo} (seed {seed})"
                for issue in check_demo(g, t, header, deep=deep):
                    problems.append((name, f"{where} {issue}"))
                key = (_text(g.attrs["task"]), _text(g.attrs["split"]), seed)
                if key in seeds:
                    problems.append((name, f"{demo} has seed {seed}, which {seeds[key]} already holds: the episode is "
                                           "duplicated; remove one of the two shards (or regenerate the folder)"))
                else:
                    seeds[key] = f"{name} {demo}"
            if "total" in data.attrs and int(data.attrs["total"]) != steps_total:
                problems.append((name, f"data.total is {int(data.attrs['total'])} but its demos hold {steps_total} steps"))
            for key in ("train", "valid"):
                mpath = f"{L.MASK_GROUP}/{key}"
                if mpath in f:
                    for missing in sorted({_text(n) for n in f[mpath][()]} - set(members)):
                        problems.append((name, f"{mpath} lists {missing}, which is not in data/"))
    return problems
