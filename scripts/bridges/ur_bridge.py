#!/usr/bin/env python3
"""UR robot bridge for `cliport capture --robot tcp:HOST:PORT` (Universal Robots UR3/UR5/UR10, e-Series or CB3).

Listens for the capture tool's JSON-lines robot protocol (Sources/Capture/TCPRobotClient.swift, docs/capture.md
"Robots") and drives the arm through ur_rtde (PyPI: ur_rtde):

    -> {"id": 3, "type": "pick_place", "pick": {"position": [x, y, z], "orientation_xyzw": [x, y, z, w]}, "place": {...}}
    <- {"id": 3, "ok": true, "message": "placed", "done": false}     or     {"id": 3, "ok": false, "error": "..."}
    -> {"id": 4, "type": "home"}                                    (moves to --home joints)

Poses are in the robot base frame, metres; the tool points down (--tool-down) and turns by the pose's yaw.
A pick-place is: above the pick (--approach), down, grasp (suction or gripper digital outputs), up, above
the place, down, release, up. Every pose is checked against --bounds and --min-z before the arm moves;
each linear move is stopped (stopL) and answered with an error if it takes longer than --move-timeout.

    python3 scripts/bridges/ur_bridge.py --robot-ip 192.168.1.10 --port 5005 --effector suction --suction-pin 0
    python3 scripts/bridges/ur_bridge.py --dry-run moves.jsonl --port 5005     # no robot: log the commands
"""
import argparse
import json
import math
import socket
import sys
import time


# -- rotations (plain Python: the bridge needs nothing but ur_rtde) -----------------------------------

def quaternion_matrix(q):
    x, y, z, w = q
    return [[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]]


def matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)] for i in range(3)]


def rotvec_matrix(v):
    angle = math.sqrt(sum(c * c for c in v))
    if angle < 1e-12:
        return [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    x, y, z = (c / angle for c in v)
    c, s, t = math.cos(angle), math.sin(angle), 1 - math.cos(angle)
    return [[t * x * x + c, t * x * y - s * z, t * x * z + s * y],
            [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
            [t * x * z - s * y, t * y * z + s * x, t * z * z + c]]


def matrix_rotvec(m):
    """The rotation vector (axis * angle, UR's rx, ry, rz) of a rotation matrix, also near 180 degrees."""
    cos_angle = max(-1.0, min(1.0, (m[0][0] + m[1][1] + m[2][2] - 1) / 2))
    angle = math.acos(cos_angle)
    if angle < 1e-9:
        return [0.0, 0.0, 0.0]
    if math.pi - angle < 1e-6:
        # sin(angle) ~ 0: the axis from the diagonal (largest component first for stability).
        i = max(range(3), key=lambda k: m[k][k])
        axis = [0.0, 0.0, 0.0]
        axis[i] = math.sqrt(max(0.0, (m[i][i] + 1) / 2))
        for j in range(3):
            if j != i:
                axis[j] = (m[i][j] + m[j][i]) / (4 * axis[i])
        return [a * angle for a in axis]
    s = 2 * math.sin(angle)
    return [(m[2][1] - m[1][2]) / s * angle, (m[0][2] - m[2][0]) / s * angle, (m[1][0] - m[0][1]) / s * angle]


class BridgeError(Exception):
    """A refusal or failure the capture page shows verbatim."""


# -- arms ------------------------------------------------------------------------------------------------

class RTDEArm:
    """The real arm through ur_rtde (RTDEControlInterface + RTDEIOInterface)."""

    def __init__(self, ip):
        try:
            import rtde_control
            import rtde_io
        except ImportError:
            raise SystemExit("ur_bridge: ur_rtde is not installed: pip install ur_rtde")
        self.control = rtde_control.RTDEControlInterface(ip)
        self.io = rtde_io.RTDEIOInterface(ip)

    def move_l(self, pose, speed, acceleration, timeout):
        if not self.control.isConnected() and not self.control.reconnect():
            raise BridgeError("lost the RTDE connection to the robot (is it in remote control, protective stop released?)")
        if not self.control.moveL(pose, speed, acceleration, True):
            raise BridgeError("the robot refused moveL to %s (protective stop, out of reach or not in remote control)" % fmt(pose))
        self._wait(timeout, lambda: self.control.stopL(2.0), "moveL to %s" % fmt(pose))

    def move_j(self, joints, speed, acceleration, timeout):
        if not self.control.moveJ(joints, speed, acceleration, True):
            raise BridgeError("the robot refused moveJ to %s" % fmt(joints))
        self._wait(timeout, lambda: self.control.stopJ(2.0), "moveJ home")

    def _wait(self, timeout, stop, what):
        start = time.monotonic()
        time.sleep(0.05)  # the controller reports the new async operation within a cycle
        while self.control.getAsyncOperationProgress() >= 0:
            if time.monotonic() - start > timeout:
                stop()
                raise BridgeError("%s took longer than %.1f s: stopped the arm" % (what, timeout))
            time.sleep(0.01)

    def set_output(self, pin, level):
        if not self.io.setStandardDigitalOut(pin, level):
            raise BridgeError("could not set digital output %d" % pin)


class DryRunArm:
    """No robot: logs every command as a JSON line (and can take `seconds` per move, to test timeouts)."""

    def __init__(self, path, seconds=0.0):
        self.log = open(path, "a", buffering=1)
        self.seconds = seconds

    def _record(self, **entry):
        self.log.write(json.dumps(entry, sort_keys=True) + "\n")

    def move_l(self, pose, speed, acceleration, timeout):
        self._record(command="moveL", pose=pose, speed=speed, acceleration=acceleration)
        self._pretend(timeout, "moveL to %s" % fmt(pose))

    def move_j(self, joints, speed, acceleration, timeout):
        self._record(command="moveJ", joints=joints, speed=speed, acceleration=acceleration)
        self._pretend(timeout, "moveJ home")

    def _pretend(self, timeout, what):
        if self.seconds > timeout:
            time.sleep(timeout)
            self._record(command="stop")
            raise BridgeError("%s took longer than %.1f s: stopped the arm" % (what, timeout))
        time.sleep(self.seconds)

    def set_output(self, pin, level):
        self._record(command="digital_out", pin=pin, level=level)


def fmt(values):
    return "[" + ", ".join("%.3f" % v for v in values) + "]"


# -- the protocol ------------------------------------------------------------------------------------------

class Bridge:
    def __init__(self, arm, args):
        self.arm = arm
        self.args = args
        self.tool_down = rotvec_matrix(args.tool_down)

    def tcp_pose(self, pose, what, dz):
        """UR's [x, y, z, rx, ry, rz] for a capture pose (position + quaternion), raised by dz."""
        try:
            p = [float(v) for v in pose["position"]]
            q = [float(v) for v in pose["orientation_xyzw"]]
        except (KeyError, TypeError, ValueError):
            raise BridgeError("the %s pose needs position [x, y, z] and orientation_xyzw [x, y, z, w]" % what)
        if len(p) != 3 or len(q) != 4 or not all(math.isfinite(v) for v in p + q):
            raise BridgeError("the %s pose needs 3 finite coordinates and a finite quaternion" % what)
        n = math.sqrt(sum(v * v for v in q))
        if abs(n - 1) > 1e-3:
            raise BridgeError("the %s orientation has norm %.4f, not 1" % (what, n))
        x0, x1, y0, y1 = self.args.bounds
        if not (x0 <= p[0] <= x1 and y0 <= p[1] <= y1):
            raise BridgeError("the %s position %s is outside the bridge's --bounds x %.3f..%.3f, y %.3f..%.3f: not moving"
                              % (what, fmt(p), x0, x1, y0, y1))
        z = p[2] + dz
        if z < self.args.min_z:
            raise BridgeError("the %s height %.3f m is below --min-z %.3f m: not moving" % (what, z, self.args.min_z))
        r = matmul(quaternion_matrix([v / n for v in q]), self.tool_down)
        return [p[0], p[1], z] + matrix_rotvec(r)

    def grasp(self, on):
        a = self.args
        if a.effector == "suction":
            self.arm.set_output(a.suction_pin, on)
        else:
            self.arm.set_output(a.gripper_close_pin, on)
            if a.gripper_open_pin is not None:
                self.arm.set_output(a.gripper_open_pin, not on)
        time.sleep(a.grasp_seconds)

    def pick_place(self, request):
        a = self.args
        # Every pose is checked before the first motion: nothing moves on a half-valid request.
        above_pick = self.tcp_pose(request.get("pick") or {}, "pick", a.approach)
        at_pick = self.tcp_pose(request["pick"], "pick", a.pick_offset)
        above_place = self.tcp_pose(request.get("place") or {}, "place", a.approach)
        at_place = self.tcp_pose(request["place"], "place", a.place_offset)
        move = lambda pose: self.arm.move_l(pose, a.speed, a.acceleration, a.move_timeout)
        move(above_pick)
        move(at_pick)
        self.grasp(True)
        move(above_pick)
        move(above_place)
        move(at_place)
        self.grasp(False)
        move(above_place)
        return "placed"

    def home(self):
        if self.args.home is None:
            raise BridgeError("no --home joints given to the bridge")
        self.arm.move_j(self.args.home, self.args.joint_speed, self.args.joint_acceleration, self.args.move_timeout)
        return "at home"

    def handle(self, line):
        try:
            request = json.loads(line)
        except ValueError:
            return {"ok": False, "error": "the bridge got a line that is not JSON: %s" % line[:200]}
        if not isinstance(request, dict):
            return {"ok": False, "error": "the bridge expects a JSON object per line"}
        reply = {"id": request.get("id")}
        try:
            kind = request.get("type")
            if kind == "pick_place":
                reply.update(ok=True, message=self.pick_place(request), done=False)
            elif kind == "home":
                reply.update(ok=True, message=self.home(), done=False)
            else:
                raise BridgeError("unknown request type %r (pick_place or home)" % kind)
        except BridgeError as error:
            # A stopped move leaves the arm where it is, the effector as it was: the page says the step is not
            # recorded, and the operator looks before the next click.
            reply.update(ok=False, error=str(error))
        return reply


def serve(bridge, host, port, on_listening=None):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(1)
    print("ur_bridge: listening on %s:%d" % (host, listener.getsockname()[1]), flush=True)
    if on_listening:
        on_listening(listener.getsockname()[1])
    while True:
        connection, peer = listener.accept()
        # One client at a time (the capture tool); it reconnects after a timeout of its own.
        with connection:
            buffer = b""
            while True:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if not line.strip():
                        continue
                    reply = bridge.handle(line.decode("utf-8", "replace"))
                    try:
                        connection.sendall((json.dumps(reply) + "\n").encode())
                    except OSError:
                        break  # the client gave up (its timeout); the next action comes on a new connection


def floats(text, count=None):
    values = [float(v) for v in text.split(",")]
    if count is not None and len(values) != count:
        raise argparse.ArgumentTypeError("expected %d comma-separated numbers" % count)
    return values


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--robot-ip", help="the UR controller's address (remote control mode)")
    p.add_argument("--dry-run", metavar="LOG", help="no robot: append every command to LOG (JSON lines)")
    p.add_argument("--dry-run-move-seconds", type=float, default=0.0, help="with --dry-run: time each move takes")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on for the capture tool")
    p.add_argument("--port", type=int, default=5005, help="port to listen on (0: any; the bound port is printed)")
    p.add_argument("--effector", choices=["suction", "gripper"], default="suction")
    p.add_argument("--suction-pin", type=int, default=0, help="standard digital output driving the vacuum")
    p.add_argument("--gripper-close-pin", type=int, default=0)
    p.add_argument("--gripper-open-pin", type=int, default=None)
    p.add_argument("--grasp-seconds", type=float, default=0.5, help="wait after switching the effector")
    p.add_argument("--tool-down", type=lambda s: floats(s, 3), default=[math.pi, 0.0, 0.0],
                   help="rotation vector of the tool pointing down at yaw 0 (default pi,0,0)")
    p.add_argument("--approach", type=float, default=0.10, help="metres above pick and place for approach and retreat")
    p.add_argument("--pick-offset", type=float, default=0.0, help="added to the pick height (tool length, cup compression)")
    p.add_argument("--place-offset", type=float, default=0.02, help="added to the place height (release above the surface)")
    p.add_argument("--bounds", type=lambda s: floats(s, 4), default=[0.25, 0.75, -0.5, 0.5],
                   help="x0,x1,y0,y1 the tool may go to, in the base frame (default CLIPort's workspace)")
    p.add_argument("--min-z", type=float, default=0.0, help="lowest tool height in the base frame")
    p.add_argument("--speed", type=float, default=0.25, help="linear speed, m/s")
    p.add_argument("--acceleration", type=float, default=0.5, help="linear acceleration, m/s^2")
    p.add_argument("--joint-speed", type=float, default=0.5)
    p.add_argument("--joint-acceleration", type=float, default=0.5)
    p.add_argument("--move-timeout", type=float, default=8.0, help="seconds one move may take before the arm is stopped")
    p.add_argument("--home", type=lambda s: floats(s, 6), default=None, help="six joint angles (rad) for home")
    p.add_argument("--home-on-start", action="store_true")
    args = p.parse_args(argv)
    if (args.robot_ip is None) == (args.dry_run is None):
        p.error("give --robot-ip (a real arm) or --dry-run LOG (no arm)")
    return args


def main(argv=None):
    args = parse(argv)
    arm = DryRunArm(args.dry_run, args.dry_run_move_seconds) if args.dry_run else RTDEArm(args.robot_ip)
    bridge = Bridge(arm, args)
    if args.home_on_start:
        print("ur_bridge: %s" % bridge.home(), flush=True)
    try:
        serve(bridge, args.host, args.port)
    except KeyboardInterrupt:
        print("ur_bridge: stopped", file=sys.stderr)


if __name__ == "__main__":
    main()
