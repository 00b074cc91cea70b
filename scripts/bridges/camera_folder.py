"""Writes frames into a `cliport capture --source folder:DIR` camera folder (docs/capture.md, "Cameras").

The folder contract (Sources/Capture/FolderCameraSource.swift):

    DIR/calibration.json    {"cameras": [{"name", "width", "height", "K" (9, row-major), "distortion" (5),
                              "base_T_cam": {"position", "orientation_xyzw"} or {"matrix"}, "depth_scale"}]}
    DIR/<name>_color.png    8-bit RGB
    DIR/<name>_depth.png    16-bit grey, metres = value * depth_scale, 0 = no depth

Every file is written under a temporary name and renamed into place, so the capture tool never reads a
half-written frame. Only numpy and the standard library are needed (PNG encoding is done here).
"""
import json
import math
import os
import struct
import zlib

import numpy as np


def png_bytes(image, level=1):
    """A PNG of an HxWx3 uint8 (RGB) or HxW uint16 (16-bit grey) array."""
    image = np.ascontiguousarray(image)
    if image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3:
        bit_depth, colour_type, rows = 8, 2, image.reshape(image.shape[0], -1)
    elif image.dtype == np.uint16 and image.ndim == 2:
        bit_depth, colour_type, rows = 16, 0, image.astype(">u2").view(np.uint8).reshape(image.shape[0], -1)
    else:
        raise ValueError("png_bytes takes HxWx3 uint8 or HxW uint16, got %s %s" % (image.dtype, image.shape))
    height, width = image.shape[:2]
    raw = np.hstack([np.zeros((height, 1), np.uint8), rows]).tobytes()  # filter byte 0 (none) per row

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, level)) + chunk(b"IEND", b"")


def write_atomically(path, data):
    """Writes `data` to a hidden temporary file next to `path`, then renames it into place."""
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, "." + name + ".tmp")
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


def quaternion_xyzw(rotation):
    """A unit quaternion (x, y, z, w) of a 3x3 rotation matrix (Shepperd's method)."""
    m = np.asarray(rotation, dtype=float)
    trace = m[0, 0] + m[1, 1] + m[2, 2]
    if trace > 0:
        s = math.sqrt(trace + 1) * 2
        q = [(m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s, s / 4]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = math.sqrt(1 + m[0, 0] - m[1, 1] - m[2, 2]) * 2
        q = [s / 4, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s, (m[2, 1] - m[1, 2]) / s]
    elif m[1, 1] > m[2, 2]:
        s = math.sqrt(1 + m[1, 1] - m[0, 0] - m[2, 2]) * 2
        q = [(m[0, 1] + m[1, 0]) / s, s / 4, (m[1, 2] + m[2, 1]) / s, (m[0, 2] - m[2, 0]) / s]
    else:
        s = math.sqrt(1 + m[2, 2] - m[0, 0] - m[1, 1]) * 2
        q = [(m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, s / 4, (m[1, 0] - m[0, 1]) / s]
    q = np.array(q)
    q /= np.linalg.norm(q)
    return [float(v) for v in q]


def camera_entry(name, width, height, K, distortion, base_T_cam, depth_scale):
    """One camera of calibration.json. `base_T_cam` is a 4x4 matrix (camera -> robot base, OpenCV axes)."""
    T = np.asarray(base_T_cam, dtype=float)
    if T.shape != (4, 4):
        raise ValueError("base_T_cam must be 4x4")
    distortion = [float(d) for d in distortion]
    if len(distortion) not in (0, 4, 5):
        raise ValueError("distortion must be OpenCV's [k1, k2, p1, p2(, k3)]")
    return {
        "name": name, "width": int(width), "height": int(height),
        "K": [float(v) for v in np.asarray(K, dtype=float).reshape(9)],
        "distortion": distortion,
        "base_T_cam": {"position": [float(v) for v in T[:3, 3]], "orientation_xyzw": quaternion_xyzw(T[:3, :3]),
                       "matrix": [[float(v) for v in row] for row in T]},
        "depth_scale": float(depth_scale),
    }


def read_extrinsics(path, camera):
    """base_T_cam (4x4) for `camera` from a file written by handeye_calibration.py."""
    with open(path) as f:
        data = json.load(f)
    for entry in data.get("cameras", []):
        if entry.get("name") == camera:
            return np.array(entry["base_T_cam"]["matrix"], dtype=float)
    raise SystemExit("%s has no extrinsics for camera '%s': run handeye_calibration.py solve --camera %s" % (path, camera, camera))


class CameraFolder:
    """The folder one or more camera drivers write to."""

    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)

    def write_calibration(self, cameras):
        write_atomically(os.path.join(self.folder, "calibration.json"),
                         json.dumps({"cameras": cameras}, indent=1).encode())

    def write_frame(self, name, color_rgb, depth_units):
        """Colour (HxWx3 uint8, RGB) and depth registered to it (HxW uint16 in depth_scale units)."""
        if color_rgb.shape[:2] != depth_units.shape:
            raise ValueError("depth must be aligned to colour (same size): %s vs %s" % (depth_units.shape, color_rgb.shape[:2]))
        write_atomically(os.path.join(self.folder, name + "_color.png"), png_bytes(color_rgb.astype(np.uint8)))
        write_atomically(os.path.join(self.folder, name + "_depth.png"), png_bytes(depth_units.astype(np.uint16)))
