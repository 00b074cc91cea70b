"""Every name of a cliport dataset file, mirroring Sources/Dataset/DatasetLayout.swift (docs/dataset-format.md)."""

SCHEMA_VERSION = 1
"""The newest layout this package reads."""

DATA_GROUP = "data"
MASK_GROUP = "mask"
DEMO_PREFIX = "demo_"
OBS_GROUP = "obs"
FINAL_OBS_GROUP = "final_obs"

HEIGHTMAP_RGB = "heightmap_rgb"
HEIGHTMAP_HEIGHT = "heightmap_height"
OBJECT_POSES = "object_poses"
ROBOT_JOINTS = "robot_joints"
ROBOT_JOINT_COUNT = 6


def rgb_key(camera):
    return f"{camera}_rgb"


def depth_key(camera):
    return f"{camera}_depth"


# Per-step datasets of data/demo_N.
ACTIONS = "actions"
PICK_POSE = "action_dict/pick_pose"
PLACE_POSE = "action_dict/place_pose"
PICK_PIXEL = "action_dict/pick_pixel"
PLACE_PIXEL = "action_dict/place_pixel"
PLACE_ROTATION_BIN = "action_dict/place_rotation_bin"
REWARDS = "rewards"
DONES = "dones"
INSTRUCTIONS = "instructions"

# Attributes of data/demo_N.
EPISODE_STR_ATTRIBUTES = ("task", "split", "source", "instruction", "model_file", "failure_reason")


def demo_index(name):
    """N of "demo_N", or None for other names."""
    if not name.startswith(DEMO_PREFIX):
        return None
    tail = name[len(DEMO_PREFIX):]
    if not tail.isdigit() or str(int(tail)) != tail:
        return None
    return int(tail)


def demo_names(names):
    """The "demo_N" names in N order (HDF5 lists names alphabetically: demo_10 before demo_2)."""
    found = [(demo_index(n), n) for n in names]
    return [n for i, n in sorted((i, n) for i, n in found if i is not None)]
