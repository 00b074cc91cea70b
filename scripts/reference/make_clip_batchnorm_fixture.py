#!/usr/bin/env python3
"""Reference fixture for the frozen CLIP trunk in PyTorch's train mode (run by hand, not in CI).

CLIPort's training_step calls .train() on the modules holding CLIP, and CLIP's forward runs under
torch.no_grad(): its batch norms then normalise with each batch's statistics and still move their running
statistics (no_grad and frozen weights do not stop that); validation and eval.py run CLIP in eval mode
with the moved statistics. This script runs the small CLIP trunk of clip_small.safetensors (written by
make_fixtures.py) that way and writes Tests/ModelTests/Fixtures/clip_train_mode.h5:

    input1 [2,3,64,64], output1      layer4 of the first forward in train mode
    input2 [1,3,96,64], output2      layer4 of the second forward in train mode (statistics moved twice)
    output_eval                      layer4 of input1 in eval mode afterwards, with the moved statistics
    running/<bn>.running_mean|var    every batch norm's running statistics after the two forwards

Run: /work/venvs/torch/bin/python scripts/reference/make_clip_batchnorm_fixture.py
"""
import os
import sys

import h5py
import torch
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import CLIPVisualTrunk, put  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "ModelTests", "Fixtures")


def main():
    torch.manual_seed(1)
    state = load_file(os.path.join(FIXTURES, "clip_small.safetensors"))
    visual = {k[len("visual."):]: v for k, v in state.items() if k.startswith("visual.")}
    trunk = CLIPVisualTrunk([3, 4, 6, 3], width=4)
    missing, unexpected = trunk.load_state_dict(visual, strict=False)
    assert all(k.endswith("num_batches_tracked") for k in missing) and not unexpected, (missing, unexpected)
    for p in trunk.parameters():
        p.requires_grad = False
    x1, x2 = torch.randn(2, 3, 64, 64), torch.randn(1, 3, 96, 64)
    out = os.path.join(FIXTURES, "clip_train_mode.h5")
    with h5py.File(out, "w") as f:
        f.attrs["torch"] = str(torch.__version__)
        trunk.train()
        with torch.no_grad():
            put(f, "input1", x1)
            put(f, "output1", trunk(x1)[0])
            put(f, "input2", x2)
            put(f, "output2", trunk(x2)[0])
            trunk.eval()
            put(f, "output_eval", trunk(x1)[0])
        g = f.create_group("running")
        for name, t in trunk.state_dict().items():
            if name.endswith("running_mean") or name.endswith("running_var"):
                put(g, name, t)
    print("wrote", os.path.normpath(out), os.path.getsize(out), "bytes")


if __name__ == "__main__":
    main()
