"""The LeRobot export (cliport_data.lerobot, through LeRobot's own LeRobotDataset API) loaded back by
LeRobot's `LeRobotDataset`: actions exact, video frames within the codec's error, tasks, calibration."""

import json
import os
import unittest

import numpy as np

import cliport_data
from cliport_data.lerobot import export

from . import support

TASKS = ("put-block-in-bowl-seen-colors", "stack-block-pyramid-seq-seen-colors")

try:
    from lerobot.datasets.lerobot_dataset import LeRobotDataset
except ImportError:  # run through scripts/python-tests.sh, which installs lerobot
    LeRobotDataset = None


@unittest.skipIf(LeRobotDataset is None, "lerobot is not installed (scripts/python-tests.sh installs it)")
class LeRobotTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.paths = [support.fixture(TASKS[0]), support.fixture(TASKS[1])]
        cls.out = os.path.join(support.scratch("lerobot"), "export")
        cls.result = export(cls.paths, cls.out, repo_id="cliport/test-export")
        cls.loaded = LeRobotDataset("cliport/test-export", root=cls.out, video_backend="pyav")
        cls.datasets = [cliport_data.open(p) for p in cls.paths]
        cls.episodes = [e for ds in cls.datasets for e in ds]

    @classmethod
    def tearDownClass(cls):
        for ds in cls.datasets:   # other tests open these shards with SWMR (robomimic)
            ds.close()

    def test_frames_and_actions_match(self):
        self.assertEqual(self.result["episodes"], len(self.episodes))
        self.assertEqual(self.loaded.num_episodes, len(self.episodes))
        self.assertEqual(self.loaded.num_frames, sum(e.num_steps for e in self.episodes))
        index = 0
        worst = 0.0
        for n, e in enumerate(self.episodes):
            for t in range(e.num_steps):
                item = self.loaded[index]
                index += 1
                self.assertEqual(int(item["episode_index"]), n)
                self.assertEqual(int(item["frame_index"]), t)
                np.testing.assert_array_equal(item["action"].numpy(), e.actions[t])       # exact
                np.testing.assert_array_equal(item["action.pixels"].numpy()[:2], e.pick_pixel[t])
                self.assertEqual(item["task"], e.instructions[t])
                self.assertEqual(int(item["episode_seed"].reshape(-1)[0]), e.seed)
                self.assertAlmostEqual(float(item["next.reward"].reshape(-1)[0]), float(e.rewards[t]), places=6)
                for cam in ("front", "left", "right"):
                    frame = item[f"observation.images.{cam}"].numpy()                     # float CHW in [0, 1]
                    self.assertEqual(frame.shape, (3, 480, 640))
                    ours = e.observation_array(f"{cam}_rgb", t).astype(np.float64) / 255
                    error = np.abs(np.transpose(frame, (1, 2, 0)) - ours)
                    mse = float(np.mean(error ** 2))
                    psnr = 10 * np.log10(1 / max(mse, 1e-12))
                    worst = max(worst, float(np.mean(error)))
                    self.assertGreater(psnr, 30, f"{cam} frame {t} of episode {n}: PSNR {psnr:.1f} dB")
                    self.assertLess(float(np.mean(error)), 0.02)
        self.assertGreater(worst, 0)   # a lossy codec: the comparison really compares decoded video

    def test_tasks_and_calibration_in_the_metadata(self):
        tasks = set(self.loaded.meta.tasks.index)
        self.assertEqual(tasks, {i for e in self.episodes for i in e.instructions})
        with open(os.path.join(self.out, "meta", "info.json")) as f:
            info = json.load(f)
        cams = {c["name"]: c for c in info["cliport"]["cameras"]}
        header = cliport_data.open(self.paths[0]).header
        np.testing.assert_allclose(np.array(cams["front"]["K"]).reshape(3, 3), header.cameras[0].K)
        np.testing.assert_allclose(cams["front"]["orientation_xyzw"], header.cameras[0].orientation_xyzw)
        self.assertEqual(info["features"]["action"]["shape"], [14])

    def test_export_refuses_an_existing_folder(self):
        with self.assertRaisesRegex(cliport_data.DatasetError, "exists; LeRobot creates"):
            export(self.paths[:1], self.out)


if __name__ == "__main__":
    unittest.main()
