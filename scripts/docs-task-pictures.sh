#!/usr/bin/env bash
# Remakes the pictures in docs/tasks.md: one train episode (seed 0) per task family, in the default look.
# Needs a release build (`make build`) and Python with Pillow (e.g. `python3 -m venv V && V/bin/pip install pillow`).
# Usage: scripts/docs-task-pictures.sh [PYTHON]      (writes docs/tasks/*.png)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-python3}
CLIPORT=$PWD/.build/release/cliport
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# family picture name -> task generated
FAMILIES="put-block-in-bowl:put-block-in-bowl-seen-colors
stack-block-pyramid:stack-block-pyramid-seq-seen-colors
towers-of-hanoi:towers-of-hanoi-seq-seen-colors
packing-boxes-pairs:packing-boxes-pairs-seen-colors
assembling-kits:assembling-kits-seq-seen-colors
packing-shapes:packing-shapes
packing-google-objects:packing-seen-google-objects-seq
align-rope:align-rope
separating-piles:separating-piles-seen-colors
align-box-corner:align-box-corner
block-insertion:block-insertion
block-insertion-sixdof:block-insertion-sixdof
palletizing-boxes:palletizing-boxes"
# Families shown with all three cameras and the heightmap (issue #17).
FULL="put-block-in-bowl packing-boxes-pairs align-rope assembling-kits"

[ -x "$CLIPORT" ] || { echo "no release build at $CLIPORT: run make build first" >&2; exit 1; }
for line in $FAMILIES; do
    name=${line%%:*}; task=${line#*:}
    if ! "$CLIPORT" demos --task "$task" --split train --n 1 --out "$WORK/data" >/dev/null 2>"$WORK/err"; then
        echo "skipped $task: $(tail -1 "$WORK/err")"; continue
    fi
    "$CLIPORT" dataset view "$WORK/data/$task-train" --out "$WORK/view/$name" >/dev/null
done

"$PY" - "$WORK/view" docs/tasks $FULL <<'PYEOF'
import os, sys
from PIL import Image
view, out, full = sys.argv[1], sys.argv[2], set(sys.argv[3:])
for name in sorted(os.listdir(view)):
    d = os.path.join(view, name)
    open_ = lambda f: Image.open(os.path.join(d, f)).convert("RGB")
    # Start and end, front camera, rows 120-470 (the table), side by side.
    a, b = open_("step00_front_rgb.png").crop((0, 120, 640, 470)), open_("final_front_rgb.png").crop((0, 120, 640, 470))
    pic = Image.new("RGB", (1284, 350), "white"); pic.paste(a, (0, 0)); pic.paste(b, (644, 0))
    pic.save(os.path.join(out, f"{name}.png"), optimize=True)
    if name in full:
        # First observation: front, left, right cameras at half size, then the heightmap's colour and height.
        cams = [open_(f"step00_{c}_rgb.png").resize((320, 240)) for c in ("front", "left", "right")]
        hm = [open_(f"step00_heightmap_{k}.png").resize((120, 240)) for k in ("rgb", "height")]
        pic = Image.new("RGB", (3 * 324 + 2 * 124, 240), "white")
        x = 0
        for im in cams + hm:
            pic.paste(im, (x, 0)); x += im.width + 4
        pic.save(os.path.join(out, f"{name}-cameras.png"), optimize=True)
    print("wrote", name)
PYEOF
