"""cliport_data's reader and contract check on real datasets made by `cliport demos`, cross-checked with the
Swift tools (`cliport dataset check`) and the data contract's geometry."""

import json
import os
import re
import shutil
import unittest

import h5py
import numpy as np

import cliport_data
from cliport_data.reader import DatasetError

from . import support

TASK = "put-block-in-bowl-seen-colors"


class ReaderTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = support.fixture(TASK)   # two shards: 2 + 1 episodes
        cls.ds = cliport_data.open(cls.path)

    @classmethod
    def tearDownClass(cls):
        cls.ds.close()

    def test_episodes_of_all_shards_in_order(self):
        self.assertEqual(len(self.ds.shards), 2)
        self.assertEqual(len(self.ds), 3)
        seeds = [e.seed for e in self.ds]                      # shard k holds unit k's seeds
        self.assertEqual(len(set(seeds)), 3)
        self.assertEqual([os.path.basename(e.shard) for e in self.ds], ["shard-00000.hdf5"] * 2 + ["shard-00001.hdf5"])
        for e in self.ds:
            self.assertEqual(e.task, TASK)
            self.assertTrue(e.success)
            self.assertEqual(e.seed % 2, 0)                         # train seeds are even
            self.assertEqual(e.instructions[0], e.instruction)
            self.assertAlmostEqual(float(e.rewards.sum()), e.total_reward, places=9)
            self.assertEqual(int(e.dones[-1]), 1)

    def test_steps_as_numpy_arrays(self):
        e = self.ds[0]
        steps = list(e.steps())
        self.assertEqual(len(steps), e.num_steps)
        s = steps[0]
        self.assertEqual(s.actions.shape, (14,))
        self.assertEqual(s.actions.dtype, np.float32)
        np.testing.assert_array_equal(s.actions, np.concatenate([s.pick_pose, s.place_pose]))
        self.assertEqual(s.pick_pixel.dtype, np.int32)
        o = s.observation
        for cam in self.ds.header.camera_names:
            self.assertEqual(o[f"{cam}_rgb"].shape, (480, 640, 3))
            self.assertEqual(o[f"{cam}_rgb"].dtype, np.uint8)
            self.assertEqual(o[f"{cam}_depth"].shape, (480, 640))
        self.assertEqual(o["heightmap_rgb"].shape, (320, 160, 3))
        self.assertEqual(o["heightmap_height"].dtype, np.float32)
        self.assertEqual(o["object_poses"].shape, (len(e.object_names), 7))
        final = e.observation(e.num_steps)
        self.assertEqual(final["heightmap_rgb"].shape, (320, 160, 3))
        with self.assertRaisesRegex(IndexError, "has .* steps"):
            e.observation(e.num_steps + 1)

    def test_pixels_follow_the_contract(self):
        # (row, col) = (round((y - y0) / pixel_size), round((x - x0) / pixel_size)), numpy rounding.
        h = self.ds.header
        for e in self.ds:
            for pose, pixel in ((e.pick_pose, e.pick_pixel), (e.place_pose, e.place_pixel)):
                rows = np.round((pose[:, 1].astype(np.float64) - h.bounds[1, 0]) / h.pixel_size)
                cols = np.round((pose[:, 0].astype(np.float64) - h.bounds[0, 0]) / h.pixel_size)
                np.testing.assert_array_equal(pixel, np.stack([rows, cols], axis=1).astype(np.int32))

    def test_calibration_back_projects_onto_the_heightmap(self):
        # The front camera's depth, back-projected with the stored K and extrinsics, lands where the fused
        # heightmap says the surface is: at the picked block's pixel, the highest back-projected point within
        # one heightmap cell matches the heightmap's height there.
        h = self.ds.header
        e = self.ds[0]
        cam = h.cameras[0]
        points = cam.back_project(e.depth_m(cam.name, 0).astype(np.float64)).reshape(-1, 3)
        _, height = e.heightmap(0)
        row, col = (int(v) for v in e.pick_pixel[0])
        x = h.bounds[0, 0] + col * h.pixel_size
        y = h.bounds[1, 0] + row * h.pixel_size
        near = points[(np.abs(points[:, 0] - x) < h.pixel_size) & (np.abs(points[:, 1] - y) < h.pixel_size)]
        self.assertGreater(len(near), 0)
        self.assertAlmostEqual(float(near[:, 2].max()) - h.bounds[2, 0], float(height[row, col]), delta=0.004)
        self.assertGreater(float(height[row, col]), 0.01)     # a block stands there

    def test_depth_in_metres_uses_the_stored_scale(self):
        e = self.ds[0]
        raw = e.observation_array("front_depth", 0)
        np.testing.assert_allclose(e.depth_m("front", 0), raw * 0.0001, rtol=1e-6)

    def test_merged_index_reads_like_the_folder(self):
        merged = os.path.join(support.scratch("merged"), "index.hdf5")
        support.run_cliport("dataset", "merge", self.path, "--out", merged)
        m = cliport_data.open(merged)
        self.assertEqual([e.seed for e in m], [e.seed for e in self.ds])
        np.testing.assert_array_equal(m[2].actions, self.ds[2].actions)

    def test_newer_schema_is_refused_with_one_message(self):
        folder = support.scratch("newer")
        shard = os.path.join(folder, "shard-00000.hdf5")
        shutil.copy(self.ds.shards[0], shard)
        with h5py.File(shard, "r+") as f:
            f.attrs["schema_version"] = 99
        with self.assertRaisesRegex(DatasetError, "schema version 99, newer than .* update the package"):
            cliport_data.open(folder)
        with self.assertRaisesRegex(DatasetError, "no .hdf5 shards"):
            cliport_data.open(support.scratch("empty"))


class CheckTests(unittest.TestCase):
    """`cliport_data.check` finds what `cliport dataset check` finds, in the same words."""

    @classmethod
    def setUpClass(cls):
        cls.path = support.fixture(TASK)

    def swift_problems(self, path):
        out = support.run_cliport("dataset", "check", path, "--json", check=False).stdout
        report = json.loads(out)
        # The Swift tool adds the regeneration advice for each damaged shard; the contract's findings are the rest.
        return sorted((p["file"], p["problem"]) for p in report["problems"] if not p["problem"].startswith("is damaged"))

    def test_a_good_dataset_passes_both(self):
        self.assertEqual(cliport_data.check(self.path), [])
        self.assertEqual(cliport_data.check(self.path, deep=True), [])
        self.assertEqual(self.swift_problems(self.path), [])

    def damaged(self, name, damage):
        folder = support.scratch(name)
        for shard in cliport_data.open(self.path).shards:
            shutil.copy(shard, folder)
        with h5py.File(os.path.join(folder, "shard-00000.hdf5"), "r+") as f:
            damage(f["data/demo_1"])
        return folder

    def assert_same_findings(self, folder, pattern):
        ours = sorted(cliport_data.check(folder))
        self.assertTrue(ours, "the damage went unnoticed")
        self.assertTrue(all(re.search(pattern, p) for _, p in ours), ours)
        self.assertEqual(ours, self.swift_problems(folder))

    def test_wrong_dtype(self):
        def damage(demo):
            data = demo["obs/heightmap_rgb"][()]
            del demo["obs/heightmap_rgb"]
            demo.create_dataset("obs/heightmap_rgb", data=data.astype(np.uint16))
        self.assert_same_findings(self.damaged("dtype", damage), r"obs/heightmap_rgb is uint16 \[\d+, 320, 160, 3\], expected uint8")

    def test_missing_key(self):
        self.assert_same_findings(self.damaged("missing", lambda demo: demo.__delitem__("action_dict/place_pixel")),
                                  r"lacks action_dict/place_pixel")

    def test_rewards_that_do_not_add_up(self):
        def damage(demo):
            demo.attrs["total_reward"] = 2.0
        self.assert_same_findings(self.damaged("rewards", damage), r"total_reward|rewards add up")

    def test_command_line_check_exits_1_and_names_the_problem(self):
        import subprocess
        import sys
        folder = self.damaged("cli", lambda demo: demo.__delitem__("rewards"))
        bad = subprocess.run([sys.executable, "-m", "cliport_data", "check", folder], capture_output=True, text=True)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("shard-00000.hdf5: data/demo_1 (seed", bad.stdout)
        self.assertIn("lacks rewards", bad.stdout)
        good = subprocess.run([sys.executable, "-m", "cliport_data", "check", self.path], capture_output=True, text=True)
        self.assertEqual((good.returncode, good.stdout.strip()), (0, "ok"))

    def test_pixel_outside_the_heightmap(self):
        def damage(demo):
            p = demo["action_dict/pick_pixel"][()]
            p[0] = (400, 10)
            demo["action_dict/pick_pixel"][...] = p
        self.assert_same_findings(self.damaged("pixel", damage), r"outside the 320x160 heightmap")


class ReadmeSnippetTests(unittest.TestCase):
    def test_the_readme_snippet_prints_instruction_and_pick_pixel(self):
        text = open(os.path.join(support.REPO, "README.md")).read()
        block = re.search(r"<!-- python-snippet -->\s*```python\n(.*?)```", text, re.S)
        self.assertIsNotNone(block, "README.md lacks the marked Python snippet")
        code = block.group(1)
        self.assertLessEqual(len(code.strip().splitlines()), 5)
        path = support.fixture(TASK)
        code = code.replace("datasets/put-block-in-bowl-seen-colors-train", path)
        import contextlib
        import io
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
        e = cliport_data.open(path)[0]
        self.assertEqual(out.getvalue().splitlines(), [e.instruction, str(e.step(0).pick_pixel)])


if __name__ == "__main__":
    unittest.main()
