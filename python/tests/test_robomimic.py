"""robomimic's own SequenceDataset and get_dataset_info.py over a robomimic view (cliport_data.robomimic) of a
3-task dataset, each task merged with `cliport dataset merge`: every obs key including depth, next_obs,
goal_mode='last', a DataLoader batch across episodes with different object counts."""

import contextlib
import gc
import io
import os
import runpy
import sys
import unittest

import h5py
import numpy as np

import cliport_data
from cliport_data.robomimic import obs_specs, write_view

from . import support

TASKS = ("put-block-in-bowl-seen-colors", "stack-block-pyramid-seq-seen-colors", "block-insertion")

try:
    import robomimic.utils.obs_utils as ObsUtils
    import torch
    from robomimic.utils.dataset import SequenceDataset
except ImportError:  # run through scripts/python-tests.sh, which installs robomimic
    SequenceDataset = None


class Expected:
    """One episode as our reader gives it, copied into memory."""

    def __init__(self, e):
        self.num_steps, self.object_names = e.num_steps, list(e.object_names)
        self.actions = e.actions.copy()
        self.arrays = {(key, t): e.observation_array(key, t)
                       for t in range(e.num_steps + 1) for key in ("front_depth", "front_rgb", "heightmap_height", "left_depth")}
        self.poses = [e.object_poses(t) for t in range(e.num_steps + 1)]

    def observation_array(self, key, t):
        return self.arrays[(key, t)]

    def object_poses(self, t):
        return self.poses[t]


@unittest.skipIf(SequenceDataset is None, "robomimic is not installed (scripts/python-tests.sh installs it)")
class RobomimicTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        folder = support.scratch("robomimic")
        merged = []
        for task in TASKS:
            path = support.fixture(task)
            out = os.path.join(folder, f"{task}.hdf5")
            support.run_cliport("dataset", "merge", path, "--out", out)
            merged.append(out)
        cls.view = os.path.join(folder, "view.hdf5")
        cls.episodes, cls.steps = write_view(merged, cls.view)
        # What our reader says, read before robomimic opens anything: robomimic opens files for SWMR reading,
        # and HDF5 refuses a file already open in this process without it (docs/interop.md).
        cls.expected = []
        for m in merged:
            with cliport_data.open(m) as ds:
                for e in ds:
                    cls.expected.append(Expected(e))
        gc.collect()
        cls.specs = obs_specs(cls.view)
        ObsUtils.initialize_obs_utils_with_obs_specs(obs_modality_specs=cls.specs)
        cls.keys = sorted(sum(cls.specs["obs"].values(), []))

    def dataset(self, **kwargs):
        args = dict(hdf5_path=self.view, obs_keys=self.keys, dataset_keys=("actions", "rewards", "dones"),
                    load_next_obs=True, goal_mode="last", hdf5_cache_mode="low_dim", seq_length=1, frame_stack=1)
        args.update(kwargs)
        return SequenceDataset(**args)

    def test_every_obs_key_with_next_obs_and_goal(self):
        self.assertIn("front_depth", self.specs["obs"]["depth"])
        self.assertIn("object_poses", self.specs["obs"]["low_dim"])
        ds = self.dataset()
        self.assertEqual(len(ds), self.steps)
        self.assertEqual(len(ds.demos), self.episodes)
        episodes = self.expected
        index = 0
        for n, e in enumerate(episodes):
            t_last = e.num_steps - 1
            for t in range(e.num_steps):
                item = ds[index]
                index += 1
                obs, nxt, goal = item["obs"], item["next_obs"], item["goal_obs"]
                self.assertEqual(set(obs), set(self.keys))
                self.assertEqual(obs["front_depth"].shape, (1, 480, 640, 1))
                np.testing.assert_array_equal(obs["front_depth"][0, ..., 0], e.observation_array("front_depth", t))
                np.testing.assert_array_equal(nxt["front_rgb"][0], e.observation_array("front_rgb", t + 1))
                np.testing.assert_array_equal(nxt["heightmap_height"][0, ..., 0], e.observation_array("heightmap_height", t + 1))
                np.testing.assert_array_equal(goal["left_depth"][..., 0], e.observation_array("left_depth", e.num_steps))
                k = len(e.object_names)
                np.testing.assert_array_equal(obs["object_poses"][0, :k], e.object_poses(t))
                self.assertTrue(np.all(obs["object_poses"][0, k:] == 0))
                self.assertEqual(float(obs["object_count"][0, 0]), k)
                np.testing.assert_array_equal(item["actions"][0], e.actions[t])
                self.assertEqual(float(item["dones"][0]), 1.0 if t == t_last else 0.0)
        # robomimic's own processing of each modality: images to CHW floats, depth keeps its one channel.
        processed = ObsUtils.process_obs_dict({k: v[0] for k, v in ds[0]["obs"].items()})
        self.assertEqual(processed["front_rgb"].shape, (3, 480, 640))
        self.assertLessEqual(float(processed["front_rgb"].max()), 1.0)
        self.assertEqual(processed["front_depth"].shape, (1, 480, 640))
        self.assertEqual(processed["heightmap_height"].shape, (1, 320, 160))

    def test_dataloader_batch_across_episodes_with_different_object_counts(self):
        counts = {len(e.object_names) for e in self.expected}
        self.assertGreater(len(counts), 1, "the fixture should hold episodes with different object counts")
        ds = self.dataset()
        loader = torch.utils.data.DataLoader(ds, batch_size=self.steps, shuffle=False, num_workers=0)
        batch = next(iter(loader))
        k_max = max(counts)
        self.assertEqual(tuple(batch["obs"]["object_poses"].shape), (self.steps, 1, k_max, 7))
        self.assertEqual(tuple(batch["next_obs"]["front_depth"].shape), (self.steps, 1, 480, 640, 1))
        self.assertEqual(tuple(batch["goal_obs"]["heightmap_rgb"].shape), (self.steps, 320, 160, 3))
        self.assertEqual(sorted(set(batch["obs"]["object_count"][:, 0, 0].tolist())), sorted(counts))
        mask = batch["obs"]["object_mask"][:, 0]
        self.assertTrue(torch.equal(mask.sum(dim=1), batch["obs"]["object_count"][:, 0, 0]))

    def test_get_dataset_info(self):
        out = io.StringIO()
        argv = sys.argv
        sys.argv = ["get_dataset_info.py", "--dataset", self.view]
        try:
            with contextlib.redirect_stdout(out):
                runpy.run_module("robomimic.scripts.get_dataset_info", run_name="__main__")
        finally:
            sys.argv = argv
        text = out.getvalue()
        self.assertIn(f"total transitions: {self.steps}", text)
        self.assertIn(f"total trajectories: {self.episodes}", text)
        self.assertIn("observation key front_depth with shape", text)
        self.assertIn("key: next_obs", text)
        self.assertIn(f"filter key train with {self.episodes} demos", text)

    def test_view_copies_no_image(self):
        with h5py.File(self.view, "r") as f:
            demo = f["data/demo_0"]
            for group in ("obs", "next_obs"):
                for key in ("front_rgb", "front_depth", "heightmap_rgb", "heightmap_height"):
                    self.assertTrue(demo[f"{group}/{key}"].is_virtual, f"{group}/{key}")
        self.assertLess(os.path.getsize(self.view), 400_000 * self.episodes)


if __name__ == "__main__":
    unittest.main()
