"""Records a synthetic RealSense .bag (pyrealsense2's software device + recorder, no camera needed):
a table plane at TABLE_DEPTH with a box nearer the camera and a known colour pattern, colour and depth on
the same pixel grid with the same intrinsics (so rs.align leaves them as they are).

    python3 make_bag.py OUT.bag [frames]
"""
import sys
import time

import numpy as np
import pyrealsense2 as rs

W, H = 640, 480
FX, FY, PPX, PPY = 600.0, 600.0, 320.0, 240.0
DEPTH_SCALE = 0.001
TABLE_DEPTH_MM = 800
BOX = (slice(200, 280), slice(280, 360))  # rows, cols
BOX_DEPTH_MM = 760


def frames():
    depth = np.full((H, W), TABLE_DEPTH_MM, np.uint16)
    depth[BOX] = BOX_DEPTH_MM
    depth[0:20, 0:40] = 0  # a hole: no depth
    color = np.zeros((H, W, 3), np.uint8)
    color[..., 0] = (np.arange(W) % 256)[None, :]
    color[..., 1] = (np.arange(H) % 256)[:, None]
    color[..., 2] = 128
    color[BOX] = (200, 30, 30)
    return color, depth


def intrinsics():
    i = rs.intrinsics()
    i.width, i.height, i.fx, i.fy, i.ppx, i.ppy = W, H, FX, FY, PPX, PPY
    i.model = rs.distortion.brown_conrady
    i.coeffs = [0, 0, 0, 0, 0]
    return i


def record(path, count=3):
    device = rs.software_device()
    depth_sensor = device.add_sensor("Depth")
    depth_sensor.add_read_only_option(rs.option.depth_units, DEPTH_SCALE)
    color_sensor = device.add_sensor("Color")
    vs = rs.video_stream()
    vs.type, vs.index, vs.uid, vs.width, vs.height, vs.fps, vs.bpp, vs.fmt, vs.intrinsics = \
        rs.stream.depth, 0, 0, W, H, 30, 2, rs.format.z16, intrinsics()
    depth_profile = depth_sensor.add_video_stream(vs)
    cs = rs.video_stream()
    cs.type, cs.index, cs.uid, cs.width, cs.height, cs.fps, cs.bpp, cs.fmt, cs.intrinsics = \
        rs.stream.color, 0, 1, W, H, 30, 3, rs.format.rgb8, intrinsics()
    color_profile = color_sensor.add_video_stream(cs)
    same_place = rs.extrinsics()  # zero-initialised: make it the identity (colour and depth share the grid)
    same_place.rotation, same_place.translation = [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0]
    depth_profile.register_extrinsics_to(color_profile, same_place)
    recorder = rs.recorder(path, device)
    depth_sensor.open(depth_profile)
    color_sensor.open(color_profile)
    sink = rs.frame_queue(10)
    depth_sensor.start(sink)
    color_sensor.start(sink)
    color, depth = frames()
    for n in range(count):
        stamp = (n + 1) * 1000.0 / 30
        for sensor, profile, data, bpp in ((depth_sensor, depth_profile, depth, 2), (color_sensor, color_profile, color, 3)):
            f = rs.software_video_frame()
            f.pixels = data.tobytes()
            f.stride, f.bpp = W * bpp, bpp
            f.timestamp, f.domain, f.frame_number = stamp, rs.timestamp_domain.hardware_clock, n
            f.profile = profile.as_video_stream_profile()
            sensor.on_video_frame(f)
        time.sleep(0.05)
    depth_sensor.stop(); color_sensor.stop()
    depth_sensor.close(); color_sensor.close()
    del recorder


if __name__ == "__main__":
    record(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)
