"""Read cliport-swift datasets from Python (docs/dataset-format.md, docs/interop.md).

    import cliport_data
    ds = cliport_data.open("datasets/put-block-in-bowl-seen-colors-train")
    episode = ds[0]
    print(episode.instruction, episode.step(0).pick_pixel)
"""

from .check import check, check_demo
from .layout import SCHEMA_VERSION
from .reader import Camera, Dataset, DatasetError, Episode, Header, Step, open

__all__ = ["open", "Dataset", "Episode", "Step", "Camera", "Header", "DatasetError", "check", "check_demo",
           "SCHEMA_VERSION"]
__version__ = "0.1.0"
