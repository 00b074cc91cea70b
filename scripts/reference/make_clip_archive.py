#!/usr/bin/env python3
"""CLIP checkpoints laid out as they are shipped, with random weights, for `cliport weights import`.

Builds a CLIP with OpenAI's module structure (ModifiedResNet visual trunk with an attention pool; a
causal text transformer) from the architecture facts alone, fills it with random weights (batch-norm
statistics included, so every tensor matters), casts it to fp16 the way OpenAI's release is cast (convs,
linears, attention and the text projection in fp16; norms and embeddings in fp32), and writes:

  torchscript  NAME.pt: `torch.jit.script` + `torch.jit.save`, the layout of OpenAI's RN50.pt
               (NAME/data.pkl, NAME/constants.pkl, NAME/code/..., NAME/data/N), including the int64
               buffers input_resolution, context_length and vocab_size OpenAI's archive carries.
  state-dict   NAME.pt: `torch.save(model.state_dict())`, a plain zip-format state dict.
  open-clip    open_clip_model.safetensors: the file open_clip's pretrained RN50 'openai' weights come as
               (Hugging Face hub timm/resnet50_clip.openai), open_clip's names (= OpenAI's, no int buffers).

and beside each a features file NAME.features.safetensors: a fixed `image` [2, 3, R, R] (fp16) and
`tokens` [2, context] (as floats), and what PyTorch computes from the fp16-rounded weights in float32:
`image_features` (encode_image), `prepool` (the trunk before the attention pool, as CLIPort uses it)
and `text_features` (encode_text).

Also the refusal fixtures: `int64_only.pt` (a state dict of int64 tensors only) and `not_clip.pt`
(a small convolutional network's state dict), and `views.pt` (strided views of one storage).

Run (torch from /work/venvs/torch):
  python scripts/reference/make_clip_archive.py                         # the small test fixtures
  python scripts/reference/make_clip_archive.py --rn50 --out DIR        # full-size RN50 (random)
  python scripts/reference/make_clip_archive.py --openai-model clip/model.py --out DIR
      # check against CLIP's own code (a checkout of openai/CLIP): its build_model must load this
      # generator's state dict strictly, and its model traced and saved (DIR/clip_openai_traced.pt, with
      # DIR/clip_openai_traced.features.safetensors) is another archive for `cliport weights import`.
"""
import argparse
import copy
import json
import os
import struct
from collections import OrderedDict
from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "ModelTests", "Fixtures")


# ---------------------------------------------------------------- visual: ModifiedResNet
class Bottleneck(nn.Module):
    """1x1 -> 3x3 -> (avgpool when strided) -> 1x1 x4; the shortcut pools, then a 1x1 conv + BN."""

    def __init__(self, inplanes: int, planes: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.avgpool = nn.AvgPool2d(stride) if stride > 1 else nn.Identity()
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample: Optional[nn.Module] = None
        if stride > 1 or inplanes != planes * 4:
            # Names "-1" (pool, no weights), "0" (conv), "1" (BN), as in OpenAI's state dict.
            self.downsample = nn.Sequential(OrderedDict([
                ("-1", nn.AvgPool2d(stride) if stride > 1 else nn.Identity()),
                ("0", nn.Conv2d(inplanes, planes * 4, 1, bias=False)),
                ("1", nn.BatchNorm2d(planes * 4))]))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(self.avgpool(out)))
        identity = x
        if self.downsample is not None:
            identity = self.downsample(x)
        return F.relu(out + identity)


class AttentionPool(nn.Module):
    """Attention over the flattened grid with the grid's mean prepended as the query token."""

    def __init__(self, grid: int, dim: int, heads: int, out_dim: int):
        super().__init__()
        self.positional_embedding = nn.Parameter(torch.randn(grid * grid + 1, dim) / dim ** 0.5)
        self.k_proj = nn.Linear(dim, dim)
        self.q_proj = nn.Linear(dim, dim)
        self.v_proj = nn.Linear(dim, dim)
        self.c_proj = nn.Linear(dim, out_dim)
        self.num_heads = heads

    def forward(self, x):
        x = x.flatten(start_dim=2).permute(2, 0, 1)                     # (HW, N, C)
        x = torch.cat([x.mean(dim=0, keepdim=True), x], dim=0)
        x = x + self.positional_embedding[:, None, :].to(x.dtype)
        out, _ = F.multi_head_attention_forward(
            query=x[:1], key=x, value=x, embed_dim_to_check=x.shape[-1], num_heads=self.num_heads,
            q_proj_weight=self.q_proj.weight, k_proj_weight=self.k_proj.weight, v_proj_weight=self.v_proj.weight,
            in_proj_weight=None, in_proj_bias=torch.cat([self.q_proj.bias, self.k_proj.bias, self.v_proj.bias]),
            bias_k=None, bias_v=None, add_zero_attn=False, dropout_p=0.0,
            out_proj_weight=self.c_proj.weight, out_proj_bias=self.c_proj.bias,
            use_separate_proj_weight=True, training=self.training, need_weights=False)
        return out.squeeze(0)


class ModifiedResNet(nn.Module):
    def __init__(self, layers: List[int], out_dim: int, heads: int, resolution: int, width: int):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width // 2, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width // 2)
        self.conv2 = nn.Conv2d(width // 2, width // 2, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width // 2)
        self.conv3 = nn.Conv2d(width // 2, width, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(width)
        self.avgpool = nn.AvgPool2d(2)
        inplanes = width
        stages = []
        for i, count in enumerate(layers):
            planes = width << i
            blocks = []
            for b in range(count):
                blocks.append(Bottleneck(inplanes, planes, 2 if (b == 0 and i > 0) else 1))
                inplanes = planes * 4
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.attnpool = AttentionPool(resolution // 32, width * 32, heads, out_dim)

    def prepool(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = F.relu(self.bn3(self.conv3(x)))
        x = self.avgpool(x)
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))

    def forward(self, x):
        return self.attnpool(self.prepool(x))


# ---------------------------------------------------------------- text transformer
class LayerNorm32(nn.LayerNorm):
    """LayerNorm computed in float32 whatever the input type (the fp16 model keeps fp32 norms)."""

    def forward(self, x):
        return F.layer_norm(x.float(), self.normalized_shape, self.weight, self.bias, self.eps).to(x.dtype)


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width: int, heads: int, mask: torch.Tensor):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = LayerNorm32(width)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, width * 4)), ("gelu", QuickGELU()), ("c_proj", nn.Linear(width * 4, width))]))
        self.ln_2 = LayerNorm32(width)
        self.attn_mask = mask    # a plain tensor attribute (not a buffer), as in OpenAI's archive

    def forward(self, x):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False, attn_mask=self.attn_mask.to(x.dtype))[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int, mask: torch.Tensor):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, mask) for _ in range(layers)])

    def forward(self, x):
        return self.resblocks(x)


class CLIP(nn.Module):
    def __init__(self, embed: int, resolution: int, layers: List[int], width: int,
                 context: int, vocab: int, text_width: int, text_layers: int):
        super().__init__()
        self.visual = ModifiedResNet(layers, embed, width * 32 // 64, resolution, width)
        mask = torch.full((context, context), float("-inf")).triu(1)
        self.transformer = Transformer(text_width, text_layers, text_width // 64, mask)
        self.token_embedding = nn.Embedding(vocab, text_width)
        self.positional_embedding = nn.Parameter(torch.randn(context, text_width) * 0.01)
        self.ln_final = LayerNorm32(text_width)
        self.text_projection = nn.Parameter(torch.randn(text_width, embed) * text_width ** -0.5)
        self.logit_scale = nn.Parameter(torch.tensor(4.6052))
        # The integer facts OpenAI's archive stores as int64 tensors.
        self.register_buffer("input_resolution", torch.tensor(resolution))
        self.register_buffer("context_length", torch.tensor(context))
        self.register_buffer("vocab_size", torch.tensor(vocab))

    @torch.jit.export
    def encode_image(self, image):
        return self.visual(image.to(self.visual.conv1.weight.dtype))

    @torch.jit.export
    def encode_text_embeddings(self, text):
        x = self.token_embedding(text).to(self.text_projection.dtype)
        x = x + self.positional_embedding.to(x.dtype)
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        return self.ln_final(x)

    @torch.jit.export
    def encode_text(self, text):
        x = self.encode_text_embeddings(text)
        # the end-of-text token has the highest id in each sequence
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection

    def forward(self, image, text):
        i = self.encode_image(image)
        t = self.encode_text(text)
        i = i / i.norm(p=2, dim=1, keepdim=True)
        t = t / t.norm(p=2, dim=1, keepdim=True)
        logits = self.logit_scale.exp() * i @ t.t()
        return logits, logits.t()


def randomize(model: CLIP, seed: int):
    """Random weights everywhere, batch-norm statistics and affine terms included."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(0.8 + 0.4 * torch.rand(c, generator=g))
                m.bias.copy_(0.2 * torch.rand(c, generator=g) - 0.1)
                m.running_mean.copy_(0.2 * torch.rand(c, generator=g) - 0.1)
                m.running_var.copy_(0.8 + 0.4 * torch.rand(c, generator=g))
            elif isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * fan_in ** -0.5)
                if m.bias is not None:
                    m.bias.copy_(0.05 * torch.randn(m.bias.shape, generator=g))
            elif isinstance(m, nn.MultiheadAttention):
                m.in_proj_weight.copy_(torch.randn(m.in_proj_weight.shape, generator=g) * m.embed_dim ** -0.5)
                m.in_proj_bias.copy_(0.05 * torch.randn(m.in_proj_bias.shape, generator=g))
            elif isinstance(m, nn.LayerNorm):
                m.weight.copy_(0.8 + 0.4 * torch.rand(m.weight.shape, generator=g))
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
            elif isinstance(m, nn.Embedding):
                m.weight.copy_(0.02 * torch.randn(m.weight.shape, generator=g))
        model.positional_embedding.copy_(0.01 * torch.randn(model.positional_embedding.shape, generator=g))
        model.visual.attnpool.positional_embedding.copy_(
            torch.randn(model.visual.attnpool.positional_embedding.shape, generator=g)
            * model.visual.attnpool.positional_embedding.shape[1] ** -0.5)
        model.text_projection.copy_(torch.randn(model.text_projection.shape, generator=g)
                                    * model.text_projection.shape[0] ** -0.5)


def to_release_precision(model: CLIP):
    """fp16 for convs, linears, attention projections and the text projection; the rest stays fp32."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.weight.data = m.weight.data.half()
            if m.bias is not None:
                m.bias.data = m.bias.data.half()
        if isinstance(m, nn.MultiheadAttention):
            m.in_proj_weight.data = m.in_proj_weight.data.half()
            m.in_proj_bias.data = m.in_proj_bias.data.half()
    model.text_projection.data = model.text_projection.data.half()


def float_copy(model: CLIP) -> CLIP:
    """The same (fp16-rounded) weights in float32: the reference arithmetic."""
    m = copy.deepcopy(model)
    for name, p in list(m.named_parameters()):
        p.data = p.data.float()
    for mod in m.modules():
        if isinstance(mod, ResidualAttentionBlock):
            mod.attn_mask = mod.attn_mask.float()
    return m.eval()


def write_safetensors(path, tensors, dtypes=None):
    """The safetensors layout (u64 header size, JSON header, raw little-endian data)."""
    names = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        b = t.numpy().tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def fixed_inputs(model: CLIP, resolution: int, context: int, vocab: int, seed: int):
    g = torch.Generator().manual_seed(seed + 1)
    # Rounded to fp16 and stored so: exact in the file, half the bytes.
    image = torch.randn(2, 3, resolution, resolution, generator=g).half().float()
    tokens = torch.zeros(2, context, dtype=torch.long)
    # start token vocab-2, words below it, end token vocab-1 (the highest id), zero padding after.
    for row, length in enumerate([5, 11]):
        tokens[row, 0] = vocab - 2
        tokens[row, 1:length - 1] = torch.randint(1, vocab - 2, (length - 2,), generator=g)
        tokens[row, length - 1] = vocab - 1
    return image, tokens


def features(model: CLIP, image, tokens):
    ref = float_copy(model)
    with torch.no_grad():
        return OrderedDict([
            ("image", image.half()), ("tokens", tokens.float()),
            ("image_features", ref.encode_image(image)), ("prepool", ref.visual.prepool(image)),
            ("text_features", ref.encode_text(tokens))])


def build(cfg, seed):
    torch.manual_seed(seed)
    model = CLIP(cfg["embed"], cfg["resolution"], cfg["layers"], cfg["width"], cfg["context"], cfg["vocab"],
                 cfg["text_width"], cfg["text_layers"]).eval()
    randomize(model, seed)
    to_release_precision(model)
    return model


def write(kind, model, cfg, out_dir, name, seed):
    os.makedirs(out_dir, exist_ok=True)
    image, tokens = fixed_inputs(model, cfg["resolution"], cfg["context"], cfg["vocab"], seed)
    feats = features(model, image, tokens)
    if kind == "torchscript":
        path = os.path.join(out_dir, name + ".pt")
        scripted = torch.jit.script(model)
        torch.jit.save(scripted, path)
        # The archive must load back in PyTorch and compute the same features.
        back = torch.jit.load(path).float().eval()
        with torch.no_grad():
            err = (back.encode_image(image) - feats["image_features"]).abs().max().item()
            err = max(err, (back.encode_text(tokens) - feats["text_features"]).abs().max().item())
        assert err < 1e-4, f"the TorchScript archive computes different features ({err})"
    elif kind == "state-dict":
        path = os.path.join(out_dir, name + ".pt")
        torch.save(model.state_dict(), path)
    else:
        path = os.path.join(out_dir, "open_clip_model.safetensors")
        sd = OrderedDict((k, v) for k, v in model.state_dict().items()
                         if k not in ("input_resolution", "context_length", "vocab_size"))
        write_safetensors(path, sd)
    write_safetensors(os.path.join(out_dir, name + ".features.safetensors"), feats)
    print(f"{kind}: {path} ({os.path.getsize(path)} bytes)")
    return path


def small_fixtures(out_dir):
    # Three architectures, so that every import must read its architecture from the shapes.
    small = dict(embed=64, resolution=64, layers=[1, 2, 1, 1], width=4, context=77, vocab=256,
                 text_width=64, text_layers=2)
    write("torchscript", build(small, 1), small, out_dir, "clip_torchscript", 1)
    plain = dict(embed=32, resolution=32, layers=[1, 1, 1, 1], width=4, context=77, vocab=128,
                 text_width=64, text_layers=1)
    write("state-dict", build(plain, 2), plain, out_dir, "clip_state_dict", 2)
    oc = dict(embed=48, resolution=64, layers=[1, 1, 2, 1], width=4, context=77, vocab=200,
              text_width=64, text_layers=1)
    write("open-clip", build(oc, 3), oc, out_dir, "open_clip", 3)
    torch.save(OrderedDict([("step", torch.tensor(7)), ("counts", torch.arange(6).reshape(2, 3))]),
               os.path.join(out_dir, "int64_only.pt"))
    other = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Linear(4, 2))
    torch.save(other.state_dict(), os.path.join(out_dir, "not_clip.pt"))
    # Views of shared storages, saved with their strides and offsets (the test knows the numbers).
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    torch.save(OrderedDict([("transposed", base.t()), ("sliced", base[1:, ::2]), ("row", base.half()[2]),
                            ("whole", base)]), os.path.join(out_dir, "views.pt"))


def check_against_openai(model_py, out_dir):
    import importlib.util
    spec = importlib.util.spec_from_file_location("openai_clip_model", model_py)
    oc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(oc)
    cfg = dict(embed=64, resolution=64, layers=[1, 2, 1, 1], width=4, context=77, vocab=256, text_width=64, text_layers=2)
    mine = build(cfg, 1)
    theirs = oc.build_model({k: v.clone() for k, v in mine.state_dict().items()})   # strict: same names and shapes
    theirs = theirs.float().eval()
    image, tokens = fixed_inputs(mine, 64, 77, 256, 1)
    traced = torch.jit.trace_module(theirs, {"forward": (image, tokens), "encode_image": (image,), "encode_text": (tokens,)})
    os.makedirs(out_dir, exist_ok=True)
    torch.jit.save(traced, os.path.join(out_dir, "clip_openai_traced.pt"))
    feats = features(mine, image, tokens)
    with torch.no_grad():
        err = max((theirs.encode_image(image) - feats["image_features"]).abs().max().item(),
                  (theirs.encode_text(tokens) - feats["text_features"]).abs().max().item())
    print(f"CLIP's build_model loaded the generator's state dict strictly; features differ by {err:.2g}")
    write_safetensors(os.path.join(out_dir, "clip_openai_traced.features.safetensors"), feats)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rn50", action="store_true", help="full-size RN50 (random weights) instead of the fixtures")
    p.add_argument("--out", default=FIXTURES)
    p.add_argument("--seed", type=int, default=50)
    p.add_argument("--openai-model", help="openai/CLIP's clip/model.py: check the layout against CLIP's own code")
    a = p.parse_args()
    torch.set_num_threads(2)
    if a.openai_model:
        check_against_openai(a.openai_model, a.out)
    elif a.rn50:
        rn50 = dict(embed=1024, resolution=224, layers=[3, 4, 6, 3], width=64, context=77, vocab=49408,
                    text_width=512, text_layers=12)
        model = build(rn50, a.seed)
        write("torchscript", model, rn50, a.out, "RN50", a.seed)
    else:
        small_fixtures(a.out)


if __name__ == "__main__":
    main()
