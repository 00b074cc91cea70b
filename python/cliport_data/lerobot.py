"""Export to LeRobot's dataset format (v3.0, as written by the `lerobot` package 0.4.x) through LeRobot's own
`LeRobotDataset.create` / `add_frame` / `save_episode` / `finalize`, so the result is whatever LeRobot itself
writes. One LeRobot frame per pick-and-place step t:

- `observation.images.<cam>`: the camera's colour before action t (video, 480x640x3);
- `observation.state`: float32 [6], the UR5 joint angles (rad) when the cameras saw the scene (NaN: unknown);
- `action`: float32 [14], pick x y z qx qy qz qw then place x y z qx qy qz qw (world frame, metres), exactly
  our `actions[t]`;
- `action.pixels`: int32 [5], pick (row, col), place (row, col), place rotation bin (heightmap labels);
- `next.reward` float32 [1], `next.done` bool [1]; `episode_seed` int64 [1];
- the task is the instruction valid at step t.

The observation after the last action (`final_obs`) has no action and is not exported. Camera calibration
(intrinsics, extrinsics, depth encoding, workspace) goes into `meta/info.json` under `cliport` and into
`meta/cliport_env_args.json` (our `env_args`). Depth is not exported: LeRobot has no depth feature type."""

import json
import os

import numpy as np

from . import layout as L
from .reader import DatasetError, open_same_setup

FPS = 1   # one frame per pick-and-place step
JOINTS = ["shoulder_pan", "shoulder_lift", "elbow", "wrist_1", "wrist_2", "wrist_3"]
ACTION_NAMES = [f"{p}_{c}" for p in ("pick", "place") for c in ("x", "y", "z", "qx", "qy", "qz", "qw")]


def features(header):
    f = {f"observation.images.{c.name}": {"dtype": "video", "shape": (c.height, c.width, 3),
                                           "names": ["height", "width", "channels"]} for c in header.cameras}
    f["observation.state"] = {"dtype": "float32", "shape": (6,), "names": JOINTS}
    f["action"] = {"dtype": "float32", "shape": (14,), "names": ACTION_NAMES}
    f["action.pixels"] = {"dtype": "int32", "shape": (5,),
                          "names": ["pick_row", "pick_col", "place_row", "place_col", "place_rotation_bin"]}
    f["next.reward"] = {"dtype": "float32", "shape": (1,), "names": None}
    f["next.done"] = {"dtype": "bool", "shape": (1,), "names": None}
    f["episode_seed"] = {"dtype": "int64", "shape": (1,), "names": None}
    return f


def export(inputs, out, repo_id=None, vcodec="libsvtav1"):
    """Writes the LeRobot dataset of `inputs` (dataset folders, shards or merged indexes; several tasks may go
    into one export) to the new folder `out`. Returns {episodes, frames, lerobot_version}."""
    try:
        import lerobot
        from lerobot.datasets.lerobot_dataset import LeRobotDataset
    except ImportError as e:
        raise DatasetError("the LeRobot export needs the lerobot package: pip install lerobot") from e
    if os.path.exists(out):
        raise DatasetError(f"{out} exists; LeRobot creates its dataset folder itself: choose a new --out")
    datasets = open_same_setup(inputs, "export them separately")
    header = datasets[0].header
    repo_id = repo_id or f"cliport/{os.path.basename(os.path.normpath(out))}"
    lr = LeRobotDataset.create(repo_id=repo_id, fps=FPS, features=features(header), root=out, robot_type="ur5e-suction",
                               use_videos=True, vcodec=vcodec)
    episodes = frames = 0
    for ds in datasets:
        for e in ds:
            joints_key = f"{L.OBS_GROUP}/{L.ROBOT_JOINTS}"
            joints = e.group[joints_key][()] if joints_key in e.group else np.full((e.num_steps, 6), np.nan)
            for t in range(e.num_steps):
                frame = {f"observation.images.{c}": e.observation_array(L.rgb_key(c), t) for c in header.camera_names}
                frame["observation.state"] = joints[t].astype(np.float32)
                frame["action"] = e.actions[t].astype(np.float32)
                frame["action.pixels"] = np.array([*e.pick_pixel[t], *e.place_pixel[t], e.place_rotation_bin[t]],
                                                  dtype=np.int32)
                frame["next.reward"] = np.array([e.rewards[t]], dtype=np.float32)
                frame["next.done"] = np.array([bool(e.dones[t])], dtype=bool)
                frame["episode_seed"] = np.array([e.seed], dtype=np.int64)
                frame["task"] = e.instructions[t]
                lr.add_frame(frame)
                frames += 1
            lr.save_episode()
            episodes += 1
    lr.finalize()
    calibration = {"env_args": header.env_args, "tasks": sorted({e.task for ds in datasets for e in ds}),
                   "frame": "one frame per pick-and-place step; final_obs (after the last action) not exported",
                   "sources": [os.path.abspath(ds.path) for ds in datasets]}
    with open(os.path.join(out, "meta", "cliport_env_args.json"), "w") as f:
        json.dump(calibration, f, indent=2, sort_keys=True)
    info_path = os.path.join(out, "meta", "info.json")
    with open(info_path) as f:
        info = json.load(f)
    info["cliport"] = {"cameras": header.env_args["env_kwargs"]["cameras"],
                       "workspace": header.env_args["env_kwargs"]["workspace"],
                       "rotation_bins": header.rotation_bins, "calibration_file": "meta/cliport_env_args.json"}
    with open(info_path, "w") as f:
        json.dump(info, f, indent=4)
    return {"episodes": episodes, "frames": frames, "lerobot_version": getattr(lerobot, "__version__", "unknown")}
