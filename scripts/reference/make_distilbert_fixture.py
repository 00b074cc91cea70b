#!/usr/bin/env python3
"""A small DistilBERT in the Hugging Face layout, for the Swift DistilBERT and WordPiece tests (run by hand).

Builds transformers' own DistilBertModel at small size (width 32, 2 layers, 4 heads) with seeded random
weights and a small uncased WordPiece vocabulary, saves it with save_pretrained (config.json,
model.safetensors) beside vocab.txt in Tests/ModelTests/Fixtures/distilbert_small/, and writes
expected.json: for fixed sentences, DistilBertTokenizer's ids and the mean of the last hidden states
(CLIPort's sentence feature) and the first token's hidden state.

Setup (PyPI only): pip install --target DIR "transformers<5" into the torch venv's reach, then
    PYTHONPATH=DIR /work/venvs/torch/bin/python scripts/reference/make_distilbert_fixture.py
"""
import json
import os

import torch
from transformers import DistilBertConfig, DistilBertModel, DistilBertTokenizer

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "ModelTests", "Fixtures", "distilbert_small")
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "put", "the", "red", "green", "blue", "yellow", "block", "in", "a",
         "bowl", "##s", "##ing", "pack", "box", "cafe", ".", ",", "!", "-", "stack", "all", "of", "on", "top", "pyramid",
         "##er", "un", "##seen", "shape", "##d", "letter", "r", "into", "brown", "place"]
SENTENCES = ["put the red blocks in a green bowl",
             "Pack all the BLUE blocks into the brown box.",
             "stack the un-seen shapes on top, café!",
             "put the zebra in a bowl"]


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "vocab.txt"), "w") as f:
        f.write("\n".join(VOCAB) + "\n")
    torch.manual_seed(0)
    config = DistilBertConfig(vocab_size=len(VOCAB), dim=32, n_layers=2, n_heads=4, hidden_dim=64, max_position_embeddings=64)
    model = DistilBertModel(config).eval()
    with torch.no_grad():   # non-trivial LayerNorm affines, so they are really tested
        for m in model.modules():
            if isinstance(m, torch.nn.LayerNorm):
                m.weight.normal_(1, 0.2)
                m.bias.normal_(0, 0.2)
    model.save_pretrained(OUT, safe_serialization=True)
    tokenizer = DistilBertTokenizer(os.path.join(OUT, "vocab.txt"), do_lower_case=True)
    cases = []
    with torch.no_grad():
        for s in SENTENCES:
            inputs = tokenizer(s, return_tensors="pt")
            hidden = model(inputs["input_ids"], inputs["attention_mask"]).last_hidden_state
            cases.append({"text": s, "ids": inputs["input_ids"][0].tolist(),
                          "sentence": hidden.mean(1)[0].tolist(), "first_token": hidden[0, 0].tolist()})
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"transformers": __import__("transformers").__version__, "torch": torch.__version__, "cases": cases}, f, indent=1)
    print("wrote", os.path.normpath(OUT), sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
