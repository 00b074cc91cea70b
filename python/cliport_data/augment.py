"""CLIPort's SE(2) augmentation (`utils.perturb`, `apply_perturbation`) in numpy, and the bilinear warp of
`cv2.warpAffine(..., INTER_LINEAR)` with a constant 0 border reproduced step for step (OpenCV's fixed-point
coordinates, 1/32-pixel interpolation table), as Sources/Dataset/Loading/AffineWarp.swift does, so no OpenCV
is needed and augmented images match CLIPort's and the Swift loader's."""

import numpy as np

_INTER_BITS, _TAB, _AB_BITS, _AB_SCALE = 5, 32, 10, 1024


def _weights():
    t = (np.arange(32, dtype=np.float32) * np.float32(1 / 32))
    y, x = t[:, None], t[None, :]
    one = np.float32(1)
    w = np.stack([(one - y) * (one - x), (one - y) * x, y * (one - x), y * x], axis=-1)
    return w.reshape(32 * 32, 4).astype(np.float32)


_WEIGHTS = _weights()


def _cv_round(v):
    return np.clip(np.rint(v), np.iinfo(np.int32).min, np.iinfo(np.int32).max).astype(np.int64)


def _invert(m):
    m = [float(v) for v in m]
    d = m[0] * m[4] - m[1] * m[3]
    d = 1 / d if d != 0 else 0
    a11, a22 = m[4] * d, m[0] * d
    m[0] = a11
    m[1] *= -d
    m[3] *= -d
    m[4] = a22
    b1 = -m[0] * m[2] - m[1] * m[5]
    b2 = -m[3] * m[2] - m[4] * m[5]
    m[2], m[5] = b1, b2
    return m


def warp_affine(image, matrix):
    """`cv2.warpAffine(image, matrix, (cols, rows), flags=cv2.INTER_LINEAR)` (border 0) for a float32
    [rows, cols, C] image and the 2x3 forward `matrix`; returns float32 [rows, cols, C]."""
    src = np.asarray(image, dtype=np.float32)
    rows, cols = src.shape[:2]
    squeeze = src.ndim == 2
    if squeeze:
        src = src[..., None]
    m = _invert(np.asarray(matrix, dtype=np.float64).reshape(-1)[:6])
    xs = np.arange(cols, dtype=np.float64)
    ys = np.arange(rows, dtype=np.float64)
    adelta = _cv_round(m[0] * xs * _AB_SCALE)
    bdelta = _cv_round(m[3] * xs * _AB_SCALE)
    round_delta = _AB_SCALE // _TAB // 2
    x0 = _cv_round((m[1] * ys + m[2]) * _AB_SCALE) + round_delta
    y0 = _cv_round((m[4] * ys + m[5]) * _AB_SCALE) + round_delta
    shift = _AB_BITS - _INTER_BITS
    X = ((x0[:, None] + adelta[None, :]).astype(np.int32)) >> shift
    Y = ((y0[:, None] + bdelta[None, :]).astype(np.int32)) >> shift
    sx, sy = X >> _INTER_BITS, Y >> _INTER_BITS
    w = _WEIGHTS[(Y & (_TAB - 1)) * _TAB + (X & (_TAB - 1))]          # [rows, cols, 4]
    padded = np.zeros((rows + 2, cols + 2, src.shape[2]), dtype=np.float32)
    padded[1:-1, 1:-1] = src
    cx0 = np.clip(sx + 1, 0, cols + 1)
    cx1 = np.clip(sx + 2, 0, cols + 1)
    cy0 = np.clip(sy + 1, 0, rows + 1)
    cy1 = np.clip(sy + 2, 0, rows + 1)
    out = padded[cy0, cx0] * w[..., 0:1]
    out = out + padded[cy0, cx1] * w[..., 1:2]
    out = out + padded[cy1, cx0] * w[..., 2:3]
    out = out + padded[cy1, cx1] * w[..., 3:4]
    # Destination pixels whose source lies wholly outside are 0 (no neighbour inside).
    outside = (sx >= cols) | (sx + 1 < 0) | (sy >= rows) | (sy + 1 < 0)
    out[outside] = 0
    return out[..., 0] if squeeze else out


def get_image_transform(theta, trans, pivot=(0, 0)):
    """The 3x3 forward transform T(pivot) [R(theta) | trans] T(-pivot) on (x = col, y = row, 1)."""
    pivot_t_image = np.array([[1., 0., -pivot[0]], [0., 1., -pivot[1]], [0., 0., 1.]])
    image_t_pivot = np.array([[1., 0., pivot[0]], [0., 1., pivot[1]], [0., 0., 1.]])
    transform = np.array([[np.cos(theta), -np.sin(theta), trans[0]],
                          [np.sin(theta), np.cos(theta), trans[1]], [0., 0., 1.]])
    return image_t_pivot @ transform @ pivot_t_image


def random_transform_params(image_size, theta_sigma=60, rng=np.random):
    """theta ~ N(0, theta_sigma degrees) in radians, translation ~ N(0, min(image_size) / 6) pixels per axis
    (x, y), pivot the image centre (x, y); the same draws in the same order as CLIPort."""
    theta = rng.normal(0, np.deg2rad(theta_sigma))
    trans = rng.normal(0, np.min(image_size) / 6, size=2)
    pivot = (image_size[1] / 2, image_size[0] / 2)
    return theta, trans, pivot


def transform_pixel(transform, pixel):
    """(exact (row, col) float64, rounded (row, col) int32) of a (row, col) pixel under the 3x3 transform."""
    p = np.float32([pixel[1], pixel[0], 1.]).reshape(3, 1)
    moved = transform @ p
    # Contiguous copies of CLIPort's flipped views (same values; torch cannot wrap negative strides).
    rounded = np.flip(np.int32(np.round(moved))[:2].squeeze()).copy()
    return np.flip(moved[:2].squeeze()).copy(), rounded


def perturb(input_image, pixels, theta_sigma=60, add_noise=False, rng=np.random):
    """CLIPort's `perturb`: draws transforms until every label pixel (row, col) stays inside (exactly and
    rounded), warps all channels, truncates colour to int32 (the result is float64, as CLIPort's
    concatenation of int32 colour and float32 height). Returns (image, new_pixels, new_rounded_pixels,
    (theta, trans, pivot))."""
    image_size = input_image.shape[:2]
    while True:
        theta, trans, pivot = random_transform_params(image_size, theta_sigma=theta_sigma, rng=rng)
        transform = get_image_transform(theta, trans, pivot)
        valid, new_pixels, new_rounded = True, [], []
        for pixel in pixels:
            moved, rounded = transform_pixel(transform, pixel)
            valid = valid and bool(np.all(rounded >= 0) and np.all(moved >= 0)
                                   and rounded[0] < image_size[0] and rounded[1] < image_size[1]
                                   and moved[0] < image_size[0] and moved[1] < image_size[1])
            new_pixels.append(moved)
            new_rounded.append(rounded)
        if valid:
            break
    warped = warp_affine(input_image, transform[:2, :])
    color = np.int32(warped[:, :, :3])
    depth = np.float32(warped[:, :, 3:])
    if add_noise:
        color += np.int32(rng.normal(0, 3, image_size + (3,)))
        color = np.uint8(np.clip(color, 0, 255))
        depth += np.float32(rng.normal(0, 0.003, image_size + (3,)))
    return np.concatenate((color, depth), axis=2), new_pixels, new_rounded, (theta, trans, pivot)


def apply_perturbation(input_image, transform_params):
    """CLIPort's `apply_perturbation`: the same warp with given (theta, trans, pivot), no truncation."""
    theta, trans, pivot = transform_params
    return warp_affine(input_image, get_image_transform(theta, trans, pivot)[:2, :])
