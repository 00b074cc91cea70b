"""CLIPort's look, measured: renders CLIPort's scene with pybullet headless (DIRECT mode, as CLIPort runs)
through CLIPort's three cameras, fuses the heightmap by CLIPort's rule (max height, mean colour of the cameras
that see a cell) and prints the table value, the arm's shadowed fraction and each palette colour on a block
top, lit (no arm) and with the arm at home. The numbers in docs/tasks.md ("The look") and CLIPortLookTests.

    python3 -m venv venv && venv/bin/pip install pybullet numpy pillow
    venv/bin/python scripts/look-cliport-reference.py CLIPORT/cliport/environments/assets
"""
import json, sys, numpy as np, pybullet as p
A = (sys.argv[1] if len(sys.argv) > 1 else 'cliport/environments/assets').rstrip('/') + '/'
COLORS = dict(blue=(78,121,167), red=(255,87,89), green=(89,169,79), orange=(242,142,43), yellow=(237,201,72),
              purple=(176,122,161), pink=(255,157,167), cyan=(118,183,178), brown=(156,117,95), white=(255,255,255),
              gray=(186,176,172))
BOUNDS = np.array([[0.25, 0.75], [-0.5, 0.5], [0, 0.28]]); PIX = 0.003125
def cams():
    out = []
    for pos, eul in [((1., 0, 0.75), (np.pi/4, np.pi, -np.pi/2)), ((0, 0.5, 0.75), (np.pi/4.5, np.pi, np.pi/4)),
                     ((0, -0.5, 0.75), (np.pi/4.5, np.pi, 3*np.pi/4))]:
        out.append(dict(position=pos, rotation=p.getQuaternionFromEuler(eul)))
    return out
def render(cfg, renderer, shadow=1):
    R = np.array(p.getMatrixFromQuaternion(cfg['rotation'])).reshape(3, 3)
    look = R @ np.array([0, 0, 1.]); up = R @ np.array([0, -1, 0.])
    view = p.computeViewMatrix(cfg['position'], np.array(cfg['position']) + look, up)
    fov = 180 * np.arctan((480 / 2) / 450.) * 2 / np.pi
    proj = p.computeProjectionMatrixFOV(fov, 640 / 480, 0.01, 10.)
    _, _, c, d, _ = p.getCameraImage(640, 480, view, proj, shadow=shadow, renderer=renderer)
    c = np.array(c, dtype=np.uint8).reshape(480, 640, 4)[:, :, :3]
    z = np.array(d).reshape(480, 640)
    depth = 2 * 0.01 * 10 / (10 + 0.01 - (2 * z - 1) * (10 - 0.01))
    return c, depth
def heightmap(color, depth, cfg):
    h, w = depth.shape
    px, py = np.meshgrid(np.arange(w), np.arange(h))
    pts = np.stack([(px - 320) * depth / 450., (py - 240) * depth / 450., depth], -1).reshape(-1, 3)
    R = np.array(p.getMatrixFromQuaternion(cfg['rotation'])).reshape(3, 3)
    pts = pts @ R.T + np.array(cfg['position']); col = color.reshape(-1, 3)
    W, H = 160, 320
    hm = np.zeros((H, W), np.float32); cm = np.zeros((H, W, 3), np.uint8)
    v = ((pts[:, 0] >= BOUNDS[0, 0]) & (pts[:, 0] < BOUNDS[0, 1]) & (pts[:, 1] >= BOUNDS[1, 0]) & (pts[:, 1] < BOUNDS[1, 1])
         & (pts[:, 2] >= BOUNDS[2, 0]) & (pts[:, 2] < BOUNDS[2, 1]))
    pts, col = pts[v], col[v]; o = np.argsort(pts[:, 2]); pts, col = pts[o], col[o]
    ix = np.clip(np.floor((pts[:, 0] - BOUNDS[0, 0]) / PIX).astype(int), 0, W - 1)
    iy = np.clip(np.floor((pts[:, 1] - BOUNDS[1, 0]) / PIX).astype(int), 0, H - 1)
    hm[iy, ix] = pts[:, 2]; cm[iy, ix] = col
    return hm, cm
def fused(renderer, shadow=1):
    cs = cams(); cms, hms, imgs = [], [], []
    for cfg in cs:
        c, d = render(cfg, renderer, shadow); imgs.append(c)
        hm, cm = heightmap(c, d, cfg); hms.append(hm); cms.append(cm)
    cms = np.float32(cms); valid = cms.sum(3) > 0; rep = valid.sum(0); rep[rep == 0] = 1
    return np.uint8(np.round(cms.sum(0) / rep[..., None])), np.max(hms, 0), imgs
def scene(arm=True, blocks=True):
    p.resetSimulation(); p.setGravity(0, 0, -9.8)
    p.setAdditionalSearchPath(A)
    p.loadURDF(A + 'plane/plane.urdf', [0, 0, -0.001])
    p.loadURDF(A + 'ur5/workspace.urdf', [0.5, 0, 0])
    if arm:
        ur5 = p.loadURDF(A + 'ur5/ur5.urdf')
        joints = [i for i in range(p.getNumJoints(ur5)) if p.getJointInfo(ur5, i)[2] == p.JOINT_REVOLUTE]
        for j, q in zip(joints, np.array([-1, -0.5, 0.5, -0.5, -0.5, 0]) * np.pi): p.resetJointState(ur5, j, q)
        st = p.getLinkState(ur5, 9)
        base = p.loadURDF(A + 'ur5/suction/suction-base.urdf', (0.487, 0.109, 0.438), p.getQuaternionFromEuler((np.pi, 0, 0)))
        p.createConstraint(ur5, 9, base, -1, p.JOINT_FIXED, (0, 0, 0), (0, 0, 0.01), (0, 0, 0))
        head = p.loadURDF(A + 'ur5/suction/suction-head.urdf', (0.487, 0.109, 0.347), p.getQuaternionFromEuler((np.pi, 0, 0)))
        p.createConstraint(ur5, 9, head, -1, p.JOINT_FIXED, (0, 0, 0), (0, 0, -0.08), (0, 0, 0))
        for _ in range(50): p.stepSimulation()
    pos = {}
    if blocks:
        names = list(COLORS)
        for i, n in enumerate(names):
            x = 0.35 + 0.1 * (i % 4); y = -0.3 + 0.2 * (i // 4)
            b = p.loadURDF(A + 'stacking/block.urdf', [x, y, 0.02], useFixedBase=True)
            p.changeVisualShape(b, -1, rgbaColor=[c / 255 for c in COLORS[n]] + [1])
            pos[n] = (x, y)
    return pos
def cell(x, y):
    return int(np.floor((y - BOUNDS[1, 0]) / PIX)), int(np.floor((x - BOUNDS[0, 0]) / PIX))
if __name__ == '__main__':
    p.connect(p.DIRECT)
    out = {}
    for rname, r in [('hardware_opengl_request', p.ER_BULLET_HARDWARE_OPENGL), ('tiny', p.ER_TINY_RENDERER)]:
        pos = scene(arm=True, blocks=True)
        cm, hm, imgs = fused(r)
        tops = {}
        for n, (x, y) in pos.items():
            u, v = cell(x, y)
            patch = cm[u - 3:u + 4, v - 3:v + 4].reshape(-1, 3).astype(float)
            tops[n] = patch.mean(0).round(1).tolist()
        scene(arm=False, blocks=False)
        cm0, hm0, imgs0 = fused(r)
        scene(arm=True, blocks=False)
        cm1, hm1, imgs1 = fused(r)
        g0 = cm0.mean(2); g1 = cm1.mean(2)
        table = hm1 < 0.002
        vals, counts = np.unique(cm1[table].reshape(-1, 3), axis=0, return_counts=True)
        top = sorted(zip(counts.tolist(), vals.tolist()), reverse=True)[:6]
        out[rname] = dict(tops=tops, empty_no_arm_mean=g0.mean().round(2).item(),
                          empty_no_arm_common=[c.tolist() for c in np.unique(cm0.reshape(-1, 3), axis=0, return_counts=True)][0][:3],
                          table_values=top, table_mean=g1[table].mean().round(2).item(),
                          dark_fraction=float((g1[table] < 45.5).mean()), armcells=float((~table).mean()))
        scene(arm=False, blocks=True)
        cml, _, _ = fused(r)
        out[rname]['lit_tops'] = {n: cml[cell(x, y)[0] - 3:cell(x, y)[0] + 4, cell(x, y)[1] - 3:cell(x, y)[1] + 4]
                                  .reshape(-1, 3).astype(float).mean(0).round(1).tolist() for n, (x, y) in pos.items()}
    print(json.dumps(out, indent=1))
