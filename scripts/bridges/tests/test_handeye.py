"""Hand-eye calibration on synthetic marker images rendered from known poses: the recovered base_T_cam
must match the one the images were rendered with."""
import json
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import handeye_calibration as he  # noqa: E402

K = np.array([[615.0, 0, 321.0], [0, 615.0, 239.0], [0, 0, 1]])
MARKER = 0.08  # metres, the black square (print 8-10 cm markers)


def look_at(eye, target):
    """base_T_cam for a camera at `eye` looking at `target` (OpenCV axes, image x roughly along base -y)."""
    z = np.asarray(target, float) - eye
    z /= np.linalg.norm(z)
    x = np.cross(z, [0, 0, 1.0]); x /= np.linalg.norm(x)
    y = np.cross(z, x)
    return he.transform(np.stack([x, y, z], axis=1), eye)


def render(cam_T_marker, size=(480, 640)):
    """A grey image with the ArUco marker (with its white quiet zone) drawn where the camera sees it."""
    import cv2
    pixels = 240
    marker = cv2.aruco.generateImageMarker(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50), 0, pixels)
    border = pixels // 4
    board = np.full((pixels + 2 * border,) * 2, 255, np.uint8)
    board[border:border + pixels, border:border + pixels] = marker
    h = MARKER / 2 * (pixels + 2 * border) / pixels
    corners3d = np.array([[-h, h, 0], [h, h, 0], [h, -h, 0], [-h, -h, 0]])
    rvec = cv2.Rodrigues(cam_T_marker[:3, :3])[0]
    projected = cv2.projectPoints(corners3d, rvec, cam_T_marker[:3, 3], K, np.zeros(5))[0].reshape(4, 2)
    # Pixel i covers [i - 0.5, i + 0.5] in OpenCV's convention: the board's outer edges are at -0.5 and n - 0.5.
    n = board.shape[0]
    edges = np.float32([[-0.5, -0.5], [n - 0.5, -0.5], [n - 0.5, n - 0.5], [-0.5, n - 0.5]])
    H = cv2.getPerspectiveTransform(edges, projected.astype(np.float32))
    image = np.full(size, 90, np.uint8)
    warped = cv2.warpPerspective(board, H, (size[1], size[0]), flags=cv2.INTER_LINEAR, borderValue=0)
    mask = cv2.warpPerspective(np.full_like(board, 255), H, (size[1], size[0]), flags=cv2.INTER_NEAREST, borderValue=0)
    image[mask > 0] = warped[mask > 0]
    return image


class HandEyeTests(unittest.TestCase):
    def test_recovers_the_rendered_camera_pose(self):
        rng = np.random.default_rng(7)
        base_T_cam = look_at(np.array([1.0, 0.05, 0.75]), [0.5, 0.0, 0.0])
        tool_T_marker = he.transform(he.rotvec_to_matrix([np.pi, 0, 0]) @ he.rotvec_to_matrix([0, 0, 0.4]), [0.01, -0.02, 0.045])  # facing away from the flange
        samples, rendered = [], 0
        while len(samples) < 20 and rendered < 200:
            position = [rng.uniform(0.35, 0.65), rng.uniform(-0.25, 0.25), rng.uniform(0.12, 0.35)]
            # The tool points down (rx = pi), tilted up to ~25 degrees and turned about z.
            down = he.rotvec_to_matrix([np.pi, 0, 0])
            tilt = he.rotvec_to_matrix(rng.uniform(-0.45, 0.45, 3) * [1, 1, 1.5])
            base_T_tool = he.transform(tilt @ down, position)
            cam_T_marker = np.linalg.inv(base_T_cam) @ base_T_tool @ tool_T_marker
            # The marker must face the camera to be seen at all.
            if (cam_T_marker[:3, :3] @ [0, 0, 1])[2] > -0.3:
                continue
            rendered += 1
            seen = he.marker_pose(render(cam_T_marker), K, np.zeros(5), MARKER, 0)
            if seen is None:
                continue
            samples.append((base_T_tool, seen))
        self.assertGreaterEqual(len(samples) / rendered, 0.7, "ArUco finds most rendered markers")
        found, spread = he.solve(samples)
        position_error = np.linalg.norm(found[:3, 3] - base_T_cam[:3, 3])
        angle_error = np.degrees(np.arccos(np.clip((np.trace(found[:3, :3].T @ base_T_cam[:3, :3]) - 1) / 2, -1, 1)))
        # A single 8 cm ArUco marker at 0.7 m (~70 px) gives each sample a few mm and ~1 degree of error;
        # 20 samples bring the camera pose to about a centimetre (measured here: 8 mm, 0.6 degrees).
        print("\nhand-eye on %d rendered samples: position error %.1f mm, orientation error %.2f deg, spread %.1f mm"
              % (len(samples), position_error * 1e3, angle_error, spread * 1e3))
        self.assertLess(position_error, 0.012, "camera position within 12 mm: %.4f m" % position_error)
        self.assertLess(angle_error, 1.5, "camera orientation within 1.5 degrees: %.3f" % angle_error)
        self.assertLess(spread, 0.03)
        # The extrinsics file the RealSense bridge reads.
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "extrinsics.json")
            he.write_extrinsics(path, "front", found, spread)
            import camera_folder
            np.testing.assert_allclose(camera_folder.read_extrinsics(path, "front"), found, atol=1e-12)
            with open(path) as f:
                q = json.load(f)["cameras"][0]["base_T_cam"]["orientation_xyzw"]
            self.assertAlmostEqual(float(np.linalg.norm(q)), 1.0, places=9)

    def test_too_few_samples_is_refused_with_a_message(self):
        with self.assertRaises(SystemExit) as raised:
            he.solve([(np.eye(4), np.eye(4))])
        self.assertIn("at least 3 samples", str(raised.exception))


if __name__ == "__main__":
    unittest.main()
