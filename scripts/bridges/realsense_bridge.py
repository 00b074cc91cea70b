#!/usr/bin/env python3
"""RealSense camera bridge for `cliport capture --source folder:DIR`.

Streams colour and depth from an Intel RealSense (D415/D435/D455, pyrealsense2 from PyPI), aligns depth to
the colour image (rs.align), and keeps DIR/<name>_color.png and DIR/<name>_depth.png up to date (atomic
renames) at --fps-out frames per second, with DIR/calibration.json holding the colour stream's intrinsics
(K, Brown-Conrady distortion), the depth scale and the camera's pose in the robot base frame (from
handeye_calibration.py). See docs/capture.md, "RealSense + UR5".

    python3 scripts/bridges/realsense_bridge.py --out /run/cam --extrinsics calib/extrinsics.json
    python3 scripts/bridges/realsense_bridge.py --out /run/cam --extrinsics ... --bag recording.bag   # playback
"""
import argparse
import sys
import time

import numpy as np

from camera_folder import CameraFolder, camera_entry, read_extrinsics


def intrinsics_entry(name, intrinsics, depth_scale, base_T_cam):
    """calibration.json's camera entry from a pyrealsense2 `intrinsics` of the colour stream."""
    K = [[intrinsics.fx, 0, intrinsics.ppx], [0, intrinsics.fy, intrinsics.ppy], [0, 0, 1]]
    coeffs = list(intrinsics.coeffs)[:5]
    # The capture tool undistorts with OpenCV's model (k1, k2, p1, p2, k3), which is RealSense's
    # Brown-Conrady; other models (inverse Brown-Conrady on some depth streams) are not this one.
    model = str(intrinsics.model).split(".")[-1]
    if any(c != 0 for c in coeffs) and model not in ("brown_conrady", "modified_brown_conrady"):
        raise SystemExit("the colour stream reports distortion model %s, which the capture tool does not undistort; "
                         "use the colour stream of a D4xx (Brown-Conrady or none)" % model)
    return camera_entry(name, intrinsics.width, intrinsics.height, K, coeffs, base_T_cam, depth_scale)


def run(args, rs):
    pipeline = rs.pipeline()
    config = rs.config()
    if args.bag:
        rs.config.enable_device_from_file(config, args.bag, repeat_playback=args.loop)
    else:
        if args.serial:
            config.enable_device(args.serial)
        config.enable_stream(rs.stream.color, args.width, args.height, rs.format.rgb8, args.fps)
        config.enable_stream(rs.stream.depth, args.width, args.height, rs.format.z16, args.fps)
    profile = pipeline.start(config)
    if args.bag:
        profile.get_device().as_playback().set_real_time(False)  # every recorded frame, as fast as written
    depth_scale = profile.get_device().first_depth_sensor().get_depth_scale()
    align = rs.align(rs.stream.color)
    folder = CameraFolder(args.out)
    base_T_cam = read_extrinsics(args.extrinsics, args.name) if args.extrinsics else np.eye(4)
    if not args.extrinsics:
        print("realsense_bridge: no --extrinsics: base_T_cam is the identity; run handeye_calibration.py before capturing", file=sys.stderr)
    written, calibrated = 0, False
    period = 1.0 / args.fps_out if args.fps_out > 0 else 0
    next_write = 0.0
    try:
        while args.frames <= 0 or written < args.frames:
            try:
                frames = pipeline.wait_for_frames(timeout_ms=args.timeout_ms)
            except RuntimeError as error:
                if args.bag:
                    break  # the end of a recording
                raise SystemExit("realsense_bridge: no frames for %d ms (%s): check the USB 3 cable; the capture page "
                                 "will report the camera stopped" % (args.timeout_ms, error))
            aligned = align.process(frames)
            color, depth = aligned.get_color_frame(), aligned.get_depth_frame()
            if not color or not depth:
                continue
            if not calibrated:
                intrinsics = color.get_profile().as_video_stream_profile().get_intrinsics()
                folder.write_calibration([intrinsics_entry(args.name, intrinsics, depth_scale, base_T_cam)])
                calibrated = True
            now = time.monotonic()
            if now < next_write:
                continue
            next_write = now + period
            rgb = np.asanyarray(color.get_data())
            if color.get_profile().format() == rs.format.bgr8:
                rgb = rgb[:, :, ::-1]
            folder.write_frame(args.name, rgb, np.asanyarray(depth.get_data()))
            written += 1
    finally:
        pipeline.stop()
    return written


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="the camera folder (cliport capture --source folder:OUT)")
    p.add_argument("--name", default="front", help="camera name in calibration.json and the PNG names")
    p.add_argument("--extrinsics", help="JSON written by handeye_calibration.py solve (base_T_cam of --name)")
    p.add_argument("--serial", help="the camera's serial number when several are plugged in")
    p.add_argument("--bag", help="play a recorded .bag instead of a live camera")
    p.add_argument("--loop", action="store_true", help="with --bag: replay forever")
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=480)
    p.add_argument("--fps", type=int, default=30, help="camera frame rate")
    p.add_argument("--fps-out", type=float, default=5, help="frames written per second (0: every frame)")
    p.add_argument("--frames", type=int, default=0, help="stop after this many frames (0: run until Ctrl-C)")
    p.add_argument("--timeout-ms", type=int, default=5000)
    args = p.parse_args(argv)
    import pyrealsense2 as rs
    n = run(args, rs)
    print("realsense_bridge: wrote %d frame%s to %s" % (n, "" if n == 1 else "s", args.out))


if __name__ == "__main__":
    main()
