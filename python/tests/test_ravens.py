"""cliport_data.ravens.RavensDataset against the Swift loader (`cliport dataset sample`): the same sample with
augmentation off, value for value; with augmentation on, the same warp for the same perturbation and the same
perturbation statistics; and CLIPort's keys, shapes and dtypes."""

import math
import os
import unittest

import h5py
import numpy as np

from cliport_data import augment
from cliport_data.ravens import RavensDataset, yaw_szxy

from . import support

STACK = "stack-block-pyramid-seq-seen-colors"
BOWL = "put-block-in-bowl-seen-colors"


def swift_samples(path, episode, step, *extra):
    out = os.path.join(support.scratch("samples"), f"{os.path.basename(path)}-{episode}-{step}-{'-'.join(map(str, extra))}.hdf5")
    support.run_cliport("dataset", "sample", path, "--episode", episode, "--step", step, "--out", out, *extra)
    with h5py.File(out, "r") as f:
        return {k: f[k][()] for k in f.keys()}, dict(f.attrs)


def hwc(chw):
    return np.transpose(chw, (1, 2, 0))


class UnaugmentedTests(unittest.TestCase):
    def compare(self, task, episode, step):
        path = support.fixture(task)
        ours = RavensDataset(path, n_demos=2, augment=False)
        sample, goal = ours.sample_at(episode, step)
        swift, attrs = swift_samples(path, episode, step, "--goal")
        # CLIPort's keys and types, unaugmented.
        self.assertEqual(set(sample), {"img", "p0", "p0_theta", "p1", "p1_theta", "perturb_params", "lang_goal"})
        self.assertEqual(sample["img"].shape, (320, 160, 6))
        self.assertEqual(sample["img"].dtype, np.float32)
        self.assertIsInstance(sample["p0"], tuple)
        self.assertEqual(sample["p0_theta"], 0)
        self.assertIsInstance(sample["p1_theta"], np.float32)
        self.assertIsNone(sample["perturb_params"])
        # The Swift loader's values for the same step.
        np.testing.assert_array_equal(sample["img"], hwc(swift["image"][0]))
        self.assertEqual(sample["p0"], tuple(int(v) for v in swift["pick"][0]))
        self.assertEqual(sample["p1"], tuple(int(v) for v in swift["place"][0]))
        bins = 36
        self.assertEqual(int(np.round(sample["p1_theta"] / (2 * np.pi / bins))) % bins, int(swift["rotation_bin"][0]))
        self.assertEqual(sample["lang_goal"], attrs["instruction"])
        np.testing.assert_array_equal(goal["img"], hwc(swift["goal"][0]))
        return ours, sample, goal, attrs

    def test_same_values_as_the_swift_loader(self):
        _, sample, _, attrs = self.compare(BOWL, 1, 0)
        self.assertEqual(attrs["goal_index"], RavensDataset(support.fixture(BOWL)).data[1].num_steps)
        # Colour 0-255 then the height three times (metres).
        img = sample["img"]
        self.assertLessEqual(img[..., :3].max(), 255)
        np.testing.assert_array_equal(img[..., 3], img[..., 5])
        self.assertLess(img[..., 3].max(), 0.28)

    def test_sequential_task_takes_the_next_observation_as_goal(self):
        ours, _, goal, attrs = self.compare(STACK, 0, 1)
        self.assertEqual(attrs["goal_index"], 2)
        np.testing.assert_array_equal(goal["img"], ours.get_image(ours.data[0], 2))

    def test_raw_episode_without_images(self):
        path = support.fixture(BOWL)
        ours = RavensDataset(path, n_demos=2)
        episode, seed = ours.load(0, images=False)
        e = ours.data[0]
        self.assertEqual(seed, e.seed)
        self.assertEqual(len(episode), e.num_steps + 1)
        obs, act, reward, info = episode[0]
        self.assertEqual(obs, {})
        self.assertEqual(reward, 0.0)
        np.testing.assert_allclose(act["pose0"][0], e.pick_pose[0][:3])
        self.assertIsNone(episode[-1][1])
        self.assertAlmostEqual(sum(r for _, _, r, _ in episode), e.total_reward)
        full, _ = ours.load(0, images=True)
        self.assertEqual(full[0][0]["color"].shape, (3, 480, 640, 3))
        self.assertEqual(full[0][0]["depth"].dtype, np.float32)

    def test_yaw_is_transforms3d_szxy(self):
        # Pure yaw gives the yaw; with tilt the first static z-x-y angle (checked against transforms3d if present).
        for yaw in (-3.0, -1.2, 0.0, 0.4, 2.9):
            q = (0, 0, math.sin(yaw / 2), math.cos(yaw / 2))
            self.assertAlmostEqual(yaw_szxy(q), yaw, places=12)
        try:
            from transforms3d import euler
        except ImportError:
            return
        rng = np.random.default_rng(3)
        for _ in range(200):
            q = rng.normal(size=4)
            q /= np.linalg.norm(q)
            expected = euler.quat2euler([q[3], q[0], q[1], q[2]], axes="szxy")[0]
            self.assertAlmostEqual(yaw_szxy(q), expected, places=10)


class AugmentedTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = support.fixture(BOWL)
        cls.ours = RavensDataset(cls.path, n_demos=2, augment=True)
        cls.swift, _ = swift_samples(cls.path, 1, 0, "--augment", "--goal", "--count", 300, "--images", 3, "--seed", 7)

    @classmethod
    def tearDownClass(cls):
        cls.ours.data.close()

    def test_same_warp_for_the_same_perturbation(self):
        plain, goal_plain = self.ours.sample_at(1, 0, augment=False)
        for i in range(3):
            self.assertEqual(int(self.swift["perturbed"][i]), 1)
            params = (float(self.swift["theta"][i]), self.swift["translation"][i], tuple(self.swift["pivot"][i]))
            warped = augment.apply_perturbation(plain["img"], params)
            colour = np.int32(warped[..., :3])
            expected = hwc(self.swift["image"][i])
            # Colour truncated as CLIPort's int32 cast: equal except where float summation order moves a value
            # across an integer (rare); heights to float rounding.
            self.assertLess(np.mean(colour != expected[..., :3]), 1e-3)
            np.testing.assert_allclose(warped[..., 3:], expected[..., 3:], atol=1e-5)
            np.testing.assert_allclose(augment.apply_perturbation(goal_plain["img"], params), hwc(self.swift["goal"][i]),
                                       atol=1e-3)
            transform = augment.get_image_transform(*params)
            for key, label in (("p0", "pick"), ("p1", "place")):
                _, rounded = augment.transform_pixel(transform, plain[key])
                np.testing.assert_array_equal(rounded, self.swift[label][i])

    def test_perturbation_statistics_match(self):
        np.random.seed(11)
        samples = [self.ours.sample_at(1, 0)[0] for _ in range(300)]
        theta = np.array([s["perturb_params"][0] for s in samples])
        trans = np.array([s["perturb_params"][1] for s in samples])
        s_theta, s_trans = self.swift["theta"], self.swift["translation"]
        self.assertTrue(np.all(self.swift["perturbed"] == 1))
        sigma = np.deg2rad(60)
        for values in (theta, s_theta):                      # N(0, 60 degrees): labels rarely reject a rotation
            self.assertLess(abs(values.mean()), 4 * sigma / math.sqrt(len(values)))
            self.assertLess(abs(values.std() / sigma - 1), 0.15)
        for ours_axis, swift_axis in zip(trans.T, s_trans.T):   # translations: the same truncated distribution
            se = math.sqrt(ours_axis.var() / len(ours_axis) + swift_axis.var() / len(swift_axis))
            self.assertLess(abs(ours_axis.mean() - swift_axis.mean()), 4 * se)
            self.assertLess(abs(ours_axis.std() / swift_axis.std() - 1), 0.2)
            self.assertLess(abs(ours_axis.std() / (160 / 6) - 1), 0.25)   # N(0, min(320, 160) / 6 px), then rejection
        # Every augmented sample keeps its labels inside, and they are its own transform's rounding.
        plain, _ = self.ours.sample_at(1, 0, augment=False)
        for s in samples[:50]:
            self.assertEqual(s["img"].dtype, np.float64)          # CLIPort: int32 colour + float32 height
            self.assertEqual(s["img"].shape, (320, 160, 6))
            t = augment.get_image_transform(*s["perturb_params"])
            np.testing.assert_array_equal(s["p0"], augment.transform_pixel(t, plain["p0"])[1])
            self.assertTrue(0 <= s["p1"][0] < 320 and 0 <= s["p1"][1] < 160)
            self.assertEqual(s["p1_theta"], plain["p1_theta"])   # rotation labels are not changed

    def test_getitem_draws_like_clipport_and_batches_with_torch(self):
        np.random.seed(0)
        sample, goal = self.ours[0]
        self.assertEqual(sample["img"].shape, (320, 160, 6))
        self.assertIs(goal["perturb_params"], sample["perturb_params"])
        self.assertEqual(len(self.ours), 2)
        try:
            import torch
        except ImportError:
            return
        self.assertIsInstance(self.ours, torch.utils.data.Dataset)
        # CLIPort's agents hand the dataset itself to Lightning (`train_dataloader` returns it): one sample per
        # step, no collation (goal labels are None). A DataLoader without batching gives the same, as tensors.
        loader = torch.utils.data.DataLoader(self.ours, batch_size=None, num_workers=0)
        batch_sample, batch_goal = next(iter(loader))
        self.assertEqual(tuple(batch_sample["img"].shape), (320, 160, 6))
        self.assertIsNone(batch_goal["p0"])


if __name__ == "__main__":
    unittest.main()
