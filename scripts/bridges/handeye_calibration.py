#!/usr/bin/env python3
"""Hand-eye calibration of a fixed camera against a UR arm (eye-to-hand), for `cliport capture`.

An ArUco marker is fixed to the robot's tool flange. At each of 10-20 robot poses (the marker tilted
differently each time, all seen by the camera), `collect` records the robot's tool pose (ur_rtde
getActualTCPPose) and the marker's pose in the camera (ArUco detection + solvePnP on the colour image).
`solve` turns the samples into the camera pose in the robot base frame (OpenCV calibrateHandEye, eye-to-hand
form) and writes it where realsense_bridge.py --extrinsics reads it:

    python3 scripts/bridges/handeye_calibration.py collect --robot-ip 192.168.1.10 --samples calib/samples.json
    python3 scripts/bridges/handeye_calibration.py solve --samples calib/samples.json --out calib/extrinsics.json

The result is base_T_cam (camera -> robot base, OpenCV camera axes: +x right, +y down, +z forward). `solve`
prints how consistent the samples are (the marker's estimated place on the flange across samples); check the
result by clicking a marker on the capture page and letting the robot go above it.
"""
import argparse
import json
import sys

import numpy as np

MARKER_DICTIONARY = "DICT_4X4_50"


def rotvec_to_matrix(v):
    import cv2
    return cv2.Rodrigues(np.asarray(v, dtype=float).reshape(3, 1))[0]


def transform(rotation, translation):
    T = np.eye(4)
    T[:3, :3] = rotation
    T[:3, 3] = np.asarray(translation, dtype=float).reshape(3)
    return T


def tcp_pose_matrix(pose):
    """base_T_tool from UR's [x, y, z, rx, ry, rz]."""
    return transform(rotvec_to_matrix(pose[3:]), pose[:3])


def detector(dictionary=MARKER_DICTIONARY):
    import cv2
    d = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, dictionary))
    params = cv2.aruco.DetectorParameters()
    # Whole-pixel corners make a 50-pixel marker look a few per cent small (centimetres of depth at 0.7 m).
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(d, params)


def marker_pose(image, K, distortion, marker_length, marker_id, aruco=None):
    """cam_T_marker (4x4) of marker `marker_id` in a colour or grey image, or None if not seen."""
    import cv2
    aruco = aruco or detector()
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    corners, ids, _ = aruco.detectMarkers(grey)
    if ids is None:
        return None
    for c, i in zip(corners, ids.reshape(-1)):
        if i != marker_id:
            continue
        h = marker_length / 2
        # The marker's corners in its own frame, in ArUco's order (top-left, top-right, bottom-right, bottom-left).
        obj = np.array([[-h, h, 0], [h, h, 0], [h, -h, 0], [-h, -h, 0]], dtype=np.float64)
        ok, rvec, tvec = cv2.solvePnP(obj, c.reshape(4, 2).astype(np.float64), np.asarray(K, dtype=float).reshape(3, 3),
                                      np.asarray(distortion, dtype=float), flags=cv2.SOLVEPNP_IPPE_SQUARE)
        if ok:
            return transform(rotvec_to_matrix(rvec), tvec)
    return None


def solve(samples):
    """base_T_cam from [(base_T_tool, cam_T_marker), ...] with the marker fixed on the tool (eye-to-hand).

    OpenCV's calibrateHandEye solves the eye-in-hand problem; given base->tool (the inverse of the robot
    poses) instead of tool->base, the same equations yield camera->base for a fixed camera."""
    import cv2
    if len(samples) < 3:
        raise SystemExit("hand-eye calibration needs at least 3 samples (10-20 with varied tilts are better), got %d" % len(samples))
    R_base2tool, t_base2tool, R_marker2cam, t_marker2cam = [], [], [], []
    for base_T_tool, cam_T_marker in samples:
        tool_T_base = np.linalg.inv(base_T_tool)
        R_base2tool.append(tool_T_base[:3, :3]); t_base2tool.append(tool_T_base[:3, 3])
        R_marker2cam.append(cam_T_marker[:3, :3]); t_marker2cam.append(cam_T_marker[:3, 3])
    R, t = cv2.calibrateHandEye(R_base2tool, t_base2tool, R_marker2cam, t_marker2cam, method=cv2.CALIB_HAND_EYE_DANIILIDIS)
    base_T_cam = transform(R, t)
    # Consistency: where the marker sits on the tool, as each sample sees it.
    places = np.array([(np.linalg.inv(b) @ base_T_cam @ c)[:3, 3] for b, c in samples])
    spread = float(np.max(np.linalg.norm(places - places.mean(axis=0), axis=1)))
    return base_T_cam, spread


def write_extrinsics(path, name, base_T_cam, spread):
    from camera_folder import quaternion_xyzw
    entry = {"name": name, "base_T_cam": {"matrix": [[float(v) for v in row] for row in base_T_cam],
                                          "position": [float(v) for v in base_T_cam[:3, 3]],
                                          "orientation_xyzw": quaternion_xyzw(base_T_cam[:3, :3])},
             "marker_spread_m": spread}
    with open(path, "w") as f:
        json.dump({"cameras": [entry]}, f, indent=1)


def load_samples(path):
    with open(path) as f:
        data = json.load(f)
    return [(np.array(s["base_T_tool"]), np.array(s["cam_T_marker"])) for s in data["samples"]]


def collect(args):
    import pyrealsense2 as rs
    import rtde_receive
    robot = rtde_receive.RTDEReceiveInterface(args.robot_ip)
    pipeline = rs.pipeline()
    config = rs.config()
    config.enable_stream(rs.stream.color, args.width, args.height, rs.format.rgb8, 30)
    profile = pipeline.start(config)
    intr = profile.get_stream(rs.stream.color).as_video_stream_profile().get_intrinsics()
    K = [[intr.fx, 0, intr.ppx], [0, intr.fy, intr.ppy], [0, 0, 1]]
    distortion = list(intr.coeffs)[:5]
    samples = []
    aruco = detector()
    try:
        while True:
            answer = input("move the arm (freedrive) so the camera sees the marker, then Enter (q + Enter: done): ")
            if answer.strip().lower() == "q":
                break
            for _ in range(10):
                pipeline.wait_for_frames()  # let auto exposure settle on the still scene
            image = np.asanyarray(pipeline.wait_for_frames().get_color_frame().get_data())
            cam_T_marker = marker_pose(image, K, distortion, args.marker_length, args.marker_id, aruco)
            if cam_T_marker is None:
                print("  marker %d not seen: move it into view and try again" % args.marker_id)
                continue
            base_T_tool = tcp_pose_matrix(robot.getActualTCPPose())
            samples.append({"base_T_tool": base_T_tool.tolist(), "cam_T_marker": cam_T_marker.tolist()})
            print("  sample %d: marker %.3f m from the camera" % (len(samples), np.linalg.norm(cam_T_marker[:3, 3])))
    finally:
        pipeline.stop()
    with open(args.samples, "w") as f:
        json.dump({"K": K, "distortion": distortion, "samples": samples}, f, indent=1)
    print("wrote %d samples to %s" % (len(samples), args.samples))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect", help="record robot poses and marker detections (RealSense + UR)")
    c.add_argument("--robot-ip", required=True)
    c.add_argument("--samples", required=True)
    c.add_argument("--marker-id", type=int, default=0)
    c.add_argument("--marker-length", type=float, default=0.08, help="printed marker side in metres (black square)")
    c.add_argument("--width", type=int, default=640)
    c.add_argument("--height", type=int, default=480)
    s = sub.add_parser("solve", help="compute base_T_cam from the samples")
    s.add_argument("--samples", required=True)
    s.add_argument("--out", required=True, help="extrinsics JSON for realsense_bridge.py --extrinsics")
    s.add_argument("--name", default="front", help="the camera's name in the capture folder")
    s.add_argument("--max-spread", type=float, default=0.010, help="refuse a result whose samples disagree by more (m)")
    args = p.parse_args(argv)
    if args.command == "collect":
        collect(args)
        return
    base_T_cam, spread = solve(load_samples(args.samples))
    if spread > args.max_spread:
        raise SystemExit("the samples disagree by %.1f mm (more than --max-spread %.1f mm): check the marker length, "
                         "that the marker is rigid on the flange, and take more varied poses" % (spread * 1e3, args.max_spread * 1e3))
    write_extrinsics(args.out, args.name, base_T_cam, spread)
    print("base_T_cam of %s: position %s m; samples agree within %.1f mm; wrote %s"
          % (args.name, np.round(base_T_cam[:3, 3], 4).tolist(), spread * 1e3, args.out))


if __name__ == "__main__":
    sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
    main()
