#!/usr/bin/env python3
"""Reference fixtures for the Swift model module (run by hand, not in CI).

Builds small versions of CLIPort's operations and networks in PyTorch with fixed random weights and
writes inputs, weights (under their PyTorch state-dict names) and outputs to
Tests/ModelTests/Fixtures/reference.h5. The Swift tests (ReferenceFixtureTests) load the file and
match the outputs to 1e-4 relative.

The network definitions below restate CLIPort's (cliport/models/resnet.py, resnet_lat.py,
core/attention.py, core/transport.py, utils.ImageRotator/preprocess) with a channel-width multiplier
so the fixtures stay small. Image rotation goes through kornia 0.4.1, the version CLIPort pins, whose
warp_affine defaults to align_corners=False.

Setup (PyPI only):  python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch kornia==0.4.1 h5py
Run:                /tmp/torchenv/bin/python scripts/reference/make_fixtures.py
"""
import json
import os
import struct
import sys
from collections import OrderedDict

import h5py
import kornia
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "ModelTests", "Fixtures", "reference.h5")
torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(2)


def scaled(c, width):
    return max(1, int(round(c * width)))


# ---------------------------------------------------------------- Transporter blocks (batchnorm off)
class IdentityBlock(nn.Module):
    def __init__(self, in_planes, filters, final_relu=True):
        super().__init__()
        f1, f2, f3 = filters
        self.final_relu = final_relu
        self.conv1 = nn.Conv2d(in_planes, f1, kernel_size=1, bias=False)
        self.conv2 = nn.Conv2d(f1, f2, kernel_size=3, stride=1, padding=1, bias=False)
        self.conv3 = nn.Conv2d(f2, f3, kernel_size=1, bias=False)

    def forward(self, x):
        out = F.relu(self.conv1(x))
        out = F.relu(self.conv2(out))
        out = self.conv3(out) + x
        return F.relu(out) if self.final_relu else out


class ConvBlock(nn.Module):
    def __init__(self, in_planes, filters, stride=1, final_relu=True):
        super().__init__()
        f1, f2, f3 = filters
        self.final_relu = final_relu
        self.conv1 = nn.Conv2d(in_planes, f1, kernel_size=1, bias=False)
        self.conv2 = nn.Conv2d(f1, f2, kernel_size=3, stride=stride, padding=1, bias=False)
        self.conv3 = nn.Conv2d(f2, f3, kernel_size=1, bias=False)
        self.shortcut = nn.Sequential(nn.Conv2d(in_planes, f3, kernel_size=1, stride=stride, bias=False))

    def forward(self, x):
        out = F.relu(self.conv1(x))
        out = F.relu(self.conv2(out))
        out = self.conv3(out) + self.shortcut(x)
        return F.relu(out) if self.final_relu else out


class ResNet43(nn.Module):
    """ResNet43_8s without preprocess (the Swift class takes normalised input too)."""

    def __init__(self, in_dim, out_dim, width):
        super().__init__()
        c = lambda n: scaled(n, width)
        L = [nn.Conv2d(in_dim, c(64), stride=1, kernel_size=3, padding=1), nn.Identity(), nn.ReLU(True)]

        def pair(i, f, stride=1, out=None, final_relu=True):
            f3 = out if out is not None else f
            return [ConvBlock(i, [f, f, f3], stride=stride, final_relu=final_relu),
                    IdentityBlock(f3, [f, f, f3], final_relu=final_relu)]
        L += pair(c(64), c(64))
        L += pair(c(64), c(128), 2)
        L += pair(c(128), c(256), 2)
        L += pair(c(256), c(512), 2)
        L += pair(c(512), c(256)) + [nn.UpsamplingBilinear2d(scale_factor=2)]
        L += pair(c(256), c(128)) + [nn.UpsamplingBilinear2d(scale_factor=2)]
        L += pair(c(128), c(64)) + [nn.UpsamplingBilinear2d(scale_factor=2)]
        L += pair(c(64), c(16), out=out_dim, final_relu=False)
        self.layers = nn.Sequential(*L)

    def forward(self, x):
        return self.layers(x)


class ResNet45(nn.Module):
    """ResNet45_10s without preprocess; returns (out, lat)."""

    def __init__(self, in_dim, out_dim, width):
        super().__init__()
        c = lambda n: scaled(n, width)
        self.conv1 = nn.Sequential(nn.Conv2d(in_dim, c(64), stride=1, kernel_size=3, padding=1), nn.Identity(), nn.ReLU(True))
        chans = [64, 128, 256, 512, 1024]
        strides = [1, 2, 2, 2, 2]
        prev = c(64)
        for k, (f, s) in enumerate(zip(chans, strides)):
            setattr(self, "layer%d" % (k + 1), nn.Sequential(ConvBlock(prev, [c(f)] * 3, stride=s), IdentityBlock(c(f), [c(f)] * 3)))
            prev = c(f)
        for k, f in enumerate([512, 256, 128, 64, 32]):
            setattr(self, "layer%d" % (k + 6), nn.Sequential(ConvBlock(prev, [c(f)] * 3), IdentityBlock(c(f), [c(f)] * 3),
                                                             nn.UpsamplingBilinear2d(scale_factor=2)))
            prev = c(f)
        self.conv2 = nn.Sequential(ConvBlock(prev, [c(16), c(16), out_dim], final_relu=False),
                                   IdentityBlock(out_dim, [c(16), c(16), out_dim], final_relu=False))

    def forward(self, x):
        in_shape = x.shape
        for layer in [self.conv1, self.layer1, self.layer2, self.layer3, self.layer4, self.layer5]:
            x = layer(x)
        im = []
        for layer in [self.layer6, self.layer7, self.layer8, self.layer9, self.layer10, self.conv2]:
            im.append(x)
            x = layer(x)
        x = F.interpolate(x, size=(in_shape[-2], in_shape[-1]), mode='bilinear')
        return x, im


# ---------------------------------------------------------------- CLIP (OpenAI's model.py, restated)
class CLIPBottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.avgpool = nn.AvgPool2d(stride) if stride > 1 else nn.Identity()
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = None
        if stride > 1 or inplanes != planes * 4:
            self.downsample = nn.Sequential(OrderedDict([
                ("-1", nn.AvgPool2d(stride)),
                ("0", nn.Conv2d(inplanes, planes * 4, 1, stride=1, bias=False)),
                ("1", nn.BatchNorm2d(planes * 4))]))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(self.avgpool(out)))
        identity = self.downsample(x) if self.downsample is not None else x
        return F.relu(out + identity)


class CLIPVisualTrunk(nn.Module):
    """ModifiedResNet without the attention pool; forward = CLIPort's prepool_im."""

    def __init__(self, layers, width):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width // 2, kernel_size=3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width // 2)
        self.conv2 = nn.Conv2d(width // 2, width // 2, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width // 2)
        self.conv3 = nn.Conv2d(width // 2, width, kernel_size=3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(width)
        self.avgpool = nn.AvgPool2d(2)
        self._inplanes = width
        self.layer1 = self._make_layer(width, layers[0])
        self.layer2 = self._make_layer(width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(width * 8, layers[3], stride=2)

    def _make_layer(self, planes, blocks, stride=1):
        layers = [CLIPBottleneck(self._inplanes, planes, stride)]
        self._inplanes = planes * 4
        layers += [CLIPBottleneck(self._inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        im = []
        for conv, bn in [(self.conv1, self.bn1), (self.conv2, self.bn2), (self.conv3, self.bn3)]:
            x = F.relu(bn(conv(x)))
            im.append(x)
        x = self.avgpool(x)
        im.append(x)
        for layer in [self.layer1, self.layer2, self.layer3, self.layer4]:
            x = layer(x)
            im.append(x)
        return x, im


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, d_model, n_head, attn_mask):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, n_head)
        self.ln_1 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(OrderedDict([("c_fc", nn.Linear(d_model, d_model * 4)), ("gelu", QuickGELU()),
                                              ("c_proj", nn.Linear(d_model * 4, d_model))]))
        self.ln_2 = nn.LayerNorm(d_model)
        self.attn_mask = attn_mask

    def forward(self, x):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False, attn_mask=self.attn_mask)[0]
        return x + self.mlp(self.ln_2(x))


class CLIPText(nn.Module):
    """CLIP's text side; forward = encode_text_with_embeddings."""

    def __init__(self, vocab, context, width, layers, heads, embed):
        super().__init__()
        mask = torch.empty(context, context).fill_(float("-inf")).triu_(1)
        self.transformer = nn.Module()
        self.transformer.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, mask) for _ in range(layers)])
        self.token_embedding = nn.Embedding(vocab, width)
        self.positional_embedding = nn.Parameter(torch.randn(context, width) * 0.01)
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.randn(width, embed) * width ** -0.5)

    def forward(self, text):
        x = self.token_embedding(text) + self.positional_embedding
        x = self.transformer.resblocks(x.permute(1, 0, 2)).permute(1, 0, 2)
        x = self.ln_final(x)
        emb = x.clone()
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection, emb


class TorchvisionBottleneck(nn.Module):
    """torchvision.models.resnet.Bottleneck (v1.5: the stride in the 3x3 conv)."""

    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = None
        if stride != 1 or inplanes != planes * 4:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes * 4, 1, stride=stride, bias=False), nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + (self.downsample(x) if self.downsample is not None else x))


class TorchvisionResNetTrunk(nn.Module):
    """torchvision's resnet50 children()[:-2] at a small width; forward = RN50BertLingUNetLat.resnet50()."""

    def __init__(self, layers, width):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self._inplanes = width
        for k, n in enumerate(layers):
            planes = width << k
            blocks = [TorchvisionBottleneck(self._inplanes, planes, 1 if k == 0 else 2)]
            self._inplanes = planes * 4
            blocks += [TorchvisionBottleneck(self._inplanes, planes) for _ in range(1, n)]
            setattr(self, "layer%d" % (k + 1), nn.Sequential(*blocks))

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        im = [x]
        for layer in [self.layer1, self.layer2, self.layer3, self.layer4]:
            x = layer(x)
            im.append(x)
        return x, im


def randomize_batch_norms(module):
    """Non-trivial running statistics and affine weights, so inference batch norm is really tested."""
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.normal_(0, 0.2)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.normal_(1, 0.2)
            m.bias.normal_(0, 0.2)


# ---------------------------------------------------------------- CLIPLingUNetLat (channels generalised)
class DoubleConv(nn.Module):
    def __init__(self, in_channels, out_channels, mid_channels):
        super().__init__()
        self.double_conv = nn.Sequential(
            nn.Conv2d(in_channels, mid_channels, kernel_size=3, padding=1), nn.BatchNorm2d(mid_channels), nn.ReLU(inplace=True),
            nn.Conv2d(mid_channels, out_channels, kernel_size=3, padding=1), nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))

    def forward(self, x):
        return self.double_conv(x)


class Up(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True)
        self.conv = DoubleConv(in_channels, out_channels, in_channels // 2)

    def forward(self, x1, x2):
        x1 = self.up(x1)
        return self.conv(torch.cat([x2, x1], dim=1))


class FusionConvLat(nn.Module):
    def __init__(self, input_dim, output_dim):
        super().__init__()
        self.conv = nn.Sequential(nn.ReLU(True), nn.Conv2d(input_dim, output_dim, kernel_size=1, bias=False))

    def forward(self, x1, x2):
        return self.conv(torch.cat([x1, x2], dim=1))


class LingUNetLatDecoder(nn.Module):
    """CLIPLingUNetLat after the frozen CLIP encoders, with 'mult' language fusion. RN50 numbers
    (2048, 1024, 512, 256 CLIP channels; decoder 1024...16) become clip_channels and c(n)."""

    def __init__(self, clip_channels, lat_channels, text_dim, out_dim, width):
        super().__init__()
        c = lambda n: scaled(n, width)
        self.lang_proj1 = nn.Linear(text_dim, c(1024))
        self.lang_proj2 = nn.Linear(text_dim, c(512))
        self.lang_proj3 = nn.Linear(text_dim, c(256))
        self.conv1 = nn.Sequential(nn.Conv2d(clip_channels[3], c(1024), kernel_size=3, stride=1, padding=1, bias=False), nn.ReLU(True))
        self.up1 = Up(clip_channels[2] + c(1024), c(512))
        self.lat_fusion1 = FusionConvLat(c(512) + lat_channels[0], c(512))
        self.up2 = Up(clip_channels[1] + c(512), c(256))
        self.lat_fusion2 = FusionConvLat(c(256) + lat_channels[1], c(256))
        self.up3 = Up(clip_channels[0] + c(256), c(128))
        self.lat_fusion3 = FusionConvLat(c(128) + lat_channels[2], c(128))
        prev = c(128)
        for k, f in enumerate([c(64), c(32), c(16)]):
            setattr(self, "dec%d" % (k + 1), nn.Sequential(ConvBlock(prev, [f] * 3), IdentityBlock(f, [f] * 3),
                                                           nn.UpsamplingBilinear2d(scale_factor=2)))
            setattr(self, "lat_fusion%d" % (k + 4), FusionConvLat(f + lat_channels[k + 3], f))
            prev = f
        self.conv2 = nn.Sequential(nn.Conv2d(prev, out_dim, kernel_size=1))

    def forward(self, x, im, lat, l, in_shape):
        x = self.conv1(x)
        x = x * self.lang_proj1(l)[..., None, None].repeat(x.shape[0], 1, x.shape[-2], x.shape[-1])
        x = self.up1(x, im[-2])
        x = self.lat_fusion1(x, lat[-6])
        x = x * self.lang_proj2(l)[..., None, None].repeat(x.shape[0], 1, x.shape[-2], x.shape[-1])
        x = self.up2(x, im[-3])
        x = self.lat_fusion2(x, lat[-5])
        x = x * self.lang_proj3(l)[..., None, None].repeat(x.shape[0], 1, x.shape[-2], x.shape[-1])
        x = self.up3(x, im[-4])
        x = self.lat_fusion3(x, lat[-4])
        x = self.lat_fusion4(self.dec1(x), lat[-3])
        x = self.lat_fusion5(self.dec2(x), lat[-2])
        x = self.lat_fusion6(self.dec3(x), lat[-1])
        x = self.conv2(x)
        return F.interpolate(x, size=(in_shape[-2], in_shape[-1]), mode='bilinear')


class ResNet43Lang(nn.Module):
    """ResNet43_8s_lang (models/resnet_lang.py) with 'mult' language fusion, preprocess included. The
    sentence feature l is given directly (CLIPort's is text_fc(mean of DistilBERT's last hidden states))."""

    def __init__(self, in_dim, out_dim, text_dim, width):
        super().__init__()
        c = lambda n: scaled(n, width)
        L = [nn.Conv2d(in_dim, c(64), stride=1, kernel_size=3, padding=1), nn.Identity(), nn.ReLU(True)]
        prev = c(64)
        for f, s in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            L += [ConvBlock(prev, [c(f)] * 3, stride=s), IdentityBlock(c(f), [c(f)] * 3)]
            prev = c(f)
        self.conv1 = nn.Sequential(*L)
        for k, f in enumerate([256, 128, 64]):
            setattr(self, "decoder%d" % (k + 1), nn.Sequential(ConvBlock(prev, [c(f)] * 3), IdentityBlock(c(f), [c(f)] * 3),
                                                               nn.UpsamplingBilinear2d(scale_factor=2)))
            prev = c(f)
        self.conv2 = nn.Sequential(ConvBlock(prev, [c(16), c(16), out_dim], final_relu=False),
                                   IdentityBlock(out_dim, [c(16), c(16), out_dim], final_relu=False))
        self.lang_proj1 = nn.Linear(text_dim, c(512))
        self.lang_proj2 = nn.Linear(text_dim, c(256))
        self.lang_proj3 = nn.Linear(text_dim, c(128))

    def forward(self, x, l):
        x = self.conv1(preprocess(x))
        for proj, dec in [(self.lang_proj1, self.decoder1), (self.lang_proj2, self.decoder2), (self.lang_proj3, self.decoder3)]:
            x = dec(x * proj(l)[..., None, None].repeat(x.shape[0], 1, x.shape[-2], x.shape[-1]))
        return self.conv2(x)


class FusionConv(nn.Module):
    """fusion.FusionConv: 1x1 conv (no bias) of ReLU(cat[x1, x2])."""

    def __init__(self, input_dim):
        super().__init__()
        self.conv = nn.Sequential(nn.ReLU(True), nn.Conv2d(input_dim * 2, input_dim, kernel_size=1, bias=False))

    def forward(self, x1, x2):
        return self.conv(torch.cat([x1, x2], dim=1))


class TwoStreamLangFusionLat(nn.Module):
    """One side of TwoStreamTransportLangFusionLat (key or query): ResNet45 and (CLIP trunk ->
    CLIPLingUNetLat) on the raw image, fused by FusionConv. Preprocess included."""

    def __init__(self, trunk, clip_channels, text_dim, out_dim, width):
        super().__init__()
        self.spatial = ResNet45(6, out_dim, width)
        lat_channels = [scaled(n, width) for n in [1024, 512, 256, 128, 64, 32]]
        self.semantic = LingUNetLatDecoder(clip_channels, lat_channels, text_dim=text_dim, out_dim=out_dim, width=width)
        self.fusion = FusionConv(out_dim)
        self.trunk = [trunk]   # frozen, not a submodule (its weights are stored once)

    def forward(self, x, l):
        x1, lat = self.spatial(preprocess(x))
        x4, im = self.trunk[0](preprocess_clip(x)[:, :3])
        x2 = self.semantic(x4, im, lat, l, x.shape)
        return self.fusion(x1, x2)


def preprocess_clip(img):
    """utils.preprocess(dist='clip'): CLIP colour statistics, Transporter height statistics."""
    img = img.clone()
    mean = torch.tensor([0.48145466, 0.4578275, 0.40821073])[None, :, None, None]
    std = torch.tensor([0.26862954, 0.26130258, 0.27577711])[None, :, None, None]
    img[:, :3] = (img[:, :3] / 255 - mean) / std
    img[:, 3:] = (img[:, 3:] - 0.00509261) / 0.00903967
    return img


def two_stream_attention_forward(spatial, trunk, decoder, inp_img, text):
    """TwoStreamAttentionLangFusionLat.forward (1 rotation, 'add' stream fusion), logits (1, H, W)."""
    H, W = inp_img.shape[:2]
    side = max(H, W)
    padding = np.zeros((3, 2), dtype=int)
    padding[:2] = ((side - np.array([H, W])) / 2).reshape(2, 1)
    in_data = np.pad(inp_img, padding, mode='constant')
    x = torch.from_numpy(in_data[None]).float().permute(0, 3, 1, 2)
    x1, lat = spatial(preprocess(x))
    x4, im = trunk(preprocess_clip(x)[:, :3])
    x2 = decoder(x4, im, lat, text, x.shape)
    logits = x1 + x2
    c0 = padding[:2, 0]
    return logits[:, :, c0[0]:c0[0] + H, c0[1]:c0[1] + W][0]


# ---------------------------------------------------------------- CLIPort's input handling
def preprocess(img):
    """utils.preprocess(dist='transporter') on an NCHW tensor."""
    img = img.clone()
    img[:, :3] = (img[:, :3] / 255 - 0.18877631) / 0.07276466
    img[:, 3:] = (img[:, 3:] - 0.00509261) / 0.00903967
    return img


def rotate(x_list, angles, pivot, reverse=False):
    """utils.ImageRotator: kornia get_rotation_matrix2d + warp_affine (kornia 0.4.1 defaults)."""
    out = []
    for i, angle in enumerate(angles):
        x = x_list[i].unsqueeze(0)
        alpha = torch.ones(1) * angle * (-1 if reverse else 1)
        center = torch.ones(1, 2)
        center[..., 0] = pivot[1]
        center[..., 1] = pivot[0]
        M = kornia.get_rotation_matrix2d(center, alpha, torch.ones(1, 2))
        _, _, h, w = x.shape
        out.append(kornia.warp_affine(x.float(), M, dsize=(h, w)))
    return out


def attention_forward(net, inp_img):
    """core/attention.py Attention.forward with n_rotations = 1, returning logits (1, H, W)."""
    H, W = inp_img.shape[:2]
    side = max(H, W)
    padding = np.zeros((3, 2), dtype=int)
    pad = (side - np.array([H, W])) / 2
    padding[:2] = pad.reshape(2, 1)
    in_data = np.pad(inp_img, padding, mode='constant')
    in_tens = torch.from_numpy(in_data[None]).float().permute(0, 3, 1, 2)
    pv = np.array(in_data.shape[:2]) // 2
    in_tens = torch.cat(rotate(in_tens, [0.0], pv), dim=0)
    logits = net(preprocess(in_tens))
    logits = torch.cat(rotate(logits, [0.0], pv, reverse=True), dim=0)
    c0 = padding[:2, 0]
    return logits[:, :, c0[0]:c0[0] + H, c0[1]:c0[1] + W][0]


def transport_forward(key_net, query_net, inp_img, p, n_rotations, crop_size, text=None):
    """core/transport.py Transport.forward (softmax off), returning logits (R, H, W) and the crops. With
    `text` the networks take the raw image and the sentence (TwoStreamTransportLangFusion.forward)."""
    pad_size = crop_size // 2
    padding = np.zeros((3, 2), dtype=int)
    padding[:2, :] = pad_size
    img = np.pad(inp_img, padding, mode='constant')
    in_tensor = torch.from_numpy(img[None]).float().permute(0, 3, 1, 2)
    pv = np.array([p[0], p[1]]) + pad_size
    hcrop = pad_size
    crop = in_tensor.repeat(n_rotations, 1, 1, 1)
    angles = [i * 2 * 180 / n_rotations for i in range(n_rotations)]
    crop = torch.cat(rotate(crop, angles, pv), dim=0)
    crop = crop[:, :, pv[0] - hcrop:pv[0] + hcrop, pv[1] - hcrop:pv[1] + hcrop]
    if text is None:
        logits = key_net(preprocess(in_tensor))
        kernel = query_net(preprocess(crop))
    else:
        logits = key_net(in_tensor, text)
        kernel = query_net(crop, text)
    output = F.conv2d(logits, kernel, padding=(pad_size, pad_size))
    output = F.interpolate(output, size=(logits.shape[-2], logits.shape[-1]), mode='bilinear')
    output = output[:, :, pad_size:-pad_size, pad_size:-pad_size]
    return output[0], crop


# ---------------------------------------------------------------- writing
def put(group, name, t):
    a = t.detach().cpu().numpy() if torch.is_tensor(t) else np.asarray(t)
    group.create_dataset(name, data=a.astype(np.float32))


def put_weights(group, module):
    w = group.create_group("weights")
    for name, t in module.state_dict().items():
        put(w, name, t)


def write_safetensors(path, tensors):
    """The safetensors layout, written by hand (no extra package): u64 header size, JSON, data."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        b = t.detach().cpu().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def raw_image(h, w):
    """A raw observation (H, W, 6): colour 0-255, heights 0-0.05 m."""
    img = np.zeros((h, w, 6), dtype=np.float32)
    img[..., :3] = np.random.uniform(0, 255, (h, w, 3))
    img[..., 3:] = np.random.uniform(0, 0.05, (h, w, 1))
    return img


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with h5py.File(OUT, "w") as f:
        f.attrs["torch"] = str(torch.__version__)
        f.attrs["kornia"] = str(kornia.__version__)

        g = f.create_group("resize")
        x = torch.randn(1, 2, 5, 7)
        put(g, "input", x)
        put(g, "up_align_corners", F.interpolate(x, size=(10, 14), mode='bilinear', align_corners=True))
        put(g, "up", F.interpolate(x, size=(10, 14), mode='bilinear', align_corners=False))
        put(g, "shrink", F.interpolate(x, size=(4, 6), mode='bilinear', align_corners=False))

        g = f.create_group("rotation")
        x = torch.randn(4, 3, 12, 10)
        angles = [0.0, 10.0, 90.0, 250.0]
        pivot = (5, 3)
        put(g, "input", x)
        put(g, "angles", angles)
        put(g, "pivot", pivot)
        put(g, "output", torch.cat(rotate(x, angles, pivot), dim=0))

        g = f.create_group("multihead_attention")
        L, N, D, heads = 5, 2, 8, 2
        mha = nn.MultiheadAttention(D, heads)
        x = torch.randn(L, N, D)
        mask = torch.empty(L, L).fill_(float("-inf")).triu_(1)
        y = mha(x, x, x, need_weights=False, attn_mask=mask)[0]
        put(g, "input", x.permute(1, 0, 2))
        put(g, "output", y.permute(1, 0, 2))
        put_weights(g, mha)

        g = f.create_group("layer_norm_gelu")
        ln = nn.LayerNorm(6)
        with torch.no_grad():
            ln.weight.normal_(); ln.bias.normal_()
        x = torch.randn(2, 3, 6)
        put(g, "input", x)
        put(g, "layer_norm", ln(x))
        put(g, "gelu", F.gelu(x))
        put_weights(g, ln)

        g = f.create_group("batch_norm_train")
        bn = nn.BatchNorm2d(3)
        with torch.no_grad():
            bn.weight.normal_(); bn.bias.normal_()
        bn.train()
        x = torch.randn(2, 3, 4, 5)
        put(g, "input", x)
        put(g, "output", bn(x))
        put_weights(g, bn)

        g = f.create_group("correlation")
        key = torch.randn(1, 3, 12, 10)
        kernels = torch.randn(4, 3, 4, 4)
        put(g, "key", key)
        put(g, "kernels", kernels)
        put(g, "conv", F.conv2d(key, kernels, padding=(2, 2)))

        width = 1.0 / 16
        g = f.create_group("resnet43")
        net = ResNet43(6, 3, width)
        x = torch.randn(2, 6, 16, 16)
        put(g, "input", x)
        put(g, "output", net(x))
        put_weights(g, net)

        g = f.create_group("resnet45")
        net = resnet45 = ResNet45(6, 1, width)
        x = torch.randn(1, 6, 32, 32)
        out, lat = net(x)
        put(g, "input", x)
        put(g, "output", out)
        for k, t in enumerate(lat):
            put(g, "lateral%d" % k, t)
        put_weights(g, net)

        g = f.create_group("attention_module")
        net = ResNet43(6, 1, width)
        img = raw_image(16, 8)
        put(g, "image", torch.from_numpy(img).permute(2, 0, 1))
        put(g, "logits", attention_forward(net, img))
        put_weights(g, net)

        g = f.create_group("transport_module")
        key_net, query_net = ResNet43(6, 3, width), ResNet43(6, 3, width)
        img = raw_image(16, 8)
        p = (5, 2)
        logits, crops = transport_forward(key_net, query_net, img, p, n_rotations=4, crop_size=8)
        put(g, "image", torch.from_numpy(img).permute(2, 0, 1))
        put(g, "pick", p)
        put(g, "crops", crops)
        put(g, "logits", logits)
        put_weights(g.create_group("key"), key_net)
        put_weights(g.create_group("query"), query_net)
        g = f.create_group("clip_visual")
        trunk = CLIPVisualTrunk([3, 4, 6, 3], width=4)
        randomize_batch_norms(trunk)
        trunk.eval()
        x = torch.randn(1, 3, 64, 64)
        out, im = trunk(x)
        put(g, "input", x)
        put(g, "output", out)
        for k, t in enumerate(im):
            put(g, "intermediate%d" % k, t)
        put_weights(g, trunk)

        g = f.create_group("clip_text")
        text = CLIPText(vocab=100, context=77, width=32, layers=2, heads=4, embed=48)
        tokens = torch.zeros(2, 77, dtype=torch.long)
        tokens[0, :6] = torch.tensor([98, 5, 17, 42, 3, 99])       # start, words..., end (highest id)
        tokens[1, :4] = torch.tensor([98, 60, 61, 99])
        sentence, emb = text(tokens)
        put(g, "tokens", tokens)
        put(g, "sentence", sentence)
        put(g, "embeddings", emb)
        put_weights(g, text)

        # The small CLIP as a checkpoint file under OpenAI's state-dict names (visual.* and text),
        # for the weight importer.
        state = {"visual." + k: v for k, v in trunk.state_dict().items() if not k.endswith("num_batches_tracked")}
        state.update({k: v for k, v in text.state_dict().items()})
        state["logit_scale"] = torch.ones([])
        write_safetensors(os.path.join(os.path.dirname(OUT), "clip_small.safetensors"), state)
        # The pick module of the cliport model: ResNet45 + (small CLIP trunk + decoder), added. The
        # spatial stream and the CLIP trunk are the ones above (weights in resnet45/, clip_visual/).
        g = f.create_group("two_stream_attention")
        spatial = resnet45
        lat_channels = [scaled(n, width) for n in [1024, 512, 256, 128, 64, 32]]
        decoder = LingUNetLatDecoder([16, 32, 64, 128], lat_channels, text_dim=16, out_dim=1, width=width)
        decoder.train()   # CLIPort trains (and evaluates) the DoubleConv batch norms in training mode
        img = raw_image(32, 16)
        text = torch.randn(1, 16)
        put(g, "image", torch.from_numpy(img).permute(2, 0, 1))
        put(g, "text", text)
        put(g, "logits", two_stream_attention_forward(spatial, trunk, decoder, img, text))
        put_weights(g.create_group("semantic"), decoder)

        # ResNet43_8s_lang (transporter-lang's stream): raw image and sentence feature in, logits out.
        g = f.create_group("resnet43_lang")
        net = ResNet43Lang(6, 3, text_dim=16, width=width)
        img = raw_image(16, 8)
        text = torch.randn(1, 16)
        x = torch.from_numpy(img[None]).permute(0, 3, 1, 2)
        put(g, "image", x[0])
        put(g, "text", text)
        put(g, "output", net(x, text)[0])
        put_weights(g, net)

        # The cliport model's place module: key and query are each ResNet45 + (small CLIP trunk ->
        # CLIPLingUNetLat), fused by a 1x1 conv; the trunk is clip_visual's. To keep the file small the
        # key and the query share one set of weights (CLIPort's have two; the module is the same).
        g = f.create_group("two_stream_transport")
        key_net = query_net = TwoStreamLangFusionLat(trunk, [16, 32, 64, 128], 16, 3, 1.0 / 32)
        key_net.train()   # the DoubleConv batch norms in training mode, as CLIPort trains
        img = raw_image(32, 32)
        text = torch.randn(1, 16)
        p = (10, 20)
        logits, crops = transport_forward(key_net, query_net, img, p, n_rotations=4, crop_size=32, text=text)
        put(g, "image", torch.from_numpy(img).permute(2, 0, 1))
        put(g, "text", text)
        put(g, "pick", p)
        put(g, "logits", logits)
        put_weights(g.create_group("spatial"), key_net.spatial)
        put_weights(g.create_group("semantic"), key_net.semantic)
        put(g.create_group("fusion/weights"), "fusion.conv.1.weight", key_net.fusion.conv[1].weight)

        # torchvision's ResNet-50 trunk (RN50-BERT's visual stream) at width 4, 2-1-1-1 blocks.
        g = f.create_group("imagenet_resnet")
        rn = TorchvisionResNetTrunk([2, 1, 1, 1], width=4)
        randomize_batch_norms(rn)
        rn.eval()
        x = torch.randn(1, 3, 64, 64)
        out, im = rn(x)
        put(g, "input", x)
        put(g, "output", out)
        for k, t in enumerate(im):
            put(g, "intermediate%d" % k, t)
        put_weights(g, rn)
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    with torch.no_grad():
        main()
