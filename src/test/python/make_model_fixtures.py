#!/usr/bin/env python3
"""Writes model parity fixtures with Debian's PyTorch/torchvision.

For each architecture: torchvision's own random initialisation (seeded), BatchNorm given
non-trivial statistics, the state dict saved by torch.save in the zip format and in the
legacy (pre-1.6) format, PNG inputs of several sizes, the inputs after the preset
transforms, and the eval-mode logits; plus a train-mode forward at 64 px (batch
statistics, dropout and stochastic depth off). Expected tensors go into a safetensors file.

Usage: make_model_fixtures.py OUT_DIR ARCH [ARCH...]
The files are large (a ResNet-50 state dict is 100 MB), so tests generate them into
target/ on first use instead of committing them.
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision import transforms

PRESETS = {  # arch -> (resize, crop, interpolation)
    "efficientnet_b0": (256, 224, transforms.InterpolationMode.BICUBIC),
}
DEFAULT_PRESET = (256, 224, transforms.InterpolationMode.BILINEAR)
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        data = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def randomize_bn(model, gen):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.2)
            m.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.1)
            m.num_batches_tracked.fill_(7)


def test_images(gen):
    """Smooth random RGB images of several sizes (PNG keeps the pixels exact)."""
    images = []
    for (w, h) in [(300, 260), (224, 224), (181, 333)]:
        base = torch.rand(3, 6, 6, generator=gen)
        img = torch.nn.functional.interpolate(base[None], size=(h, w), mode="bilinear", align_corners=False)[0]
        noise = torch.rand(3, h, w, generator=gen) * 0.15
        arr = ((img * 0.85 + noise).clamp(0, 1) * 255).round().byte().permute(1, 2, 0).numpy()
        images.append(Image.fromarray(arr, "RGB"))
    return images


def main():
    out, archs = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    for arch in archs:
        torch.manual_seed(0)
        model = getattr(torchvision.models, arch)()
        gen = torch.Generator().manual_seed(1)
        with torch.no_grad():
            randomize_bn(model, gen)
        model.eval()
        torch.save(model.state_dict(), os.path.join(out, f"{arch}.pth"))
        torch.save(model.state_dict(), os.path.join(out, f"{arch}-legacy.pth"),
                   _use_new_zipfile_serialization=False)
        write_safetensors(os.path.join(out, f"{arch}.safetensors"), model.state_dict())

        resize, crop, interp = PRESETS.get(arch, DEFAULT_PRESET)
        preset = transforms.Compose([transforms.Resize(resize, interpolation=interp), transforms.CenterCrop(crop),
                                     transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
        expected = {}
        with torch.no_grad():
            for k, img in enumerate(test_images(gen)):
                img.save(os.path.join(out, f"{arch}-img{k}.png"))
                x = preset(img)[None]
                expected[f"input{k}"] = x
                expected[f"logits{k}"] = model(x)
            small = torch.randn(2, 3, 64, 64, generator=gen)
            expected["small_input"] = small
            expected["small_logits"] = model(small)
            # train-mode forward: batch statistics, but dropout / stochastic depth off
            model.train()
            for m in model.modules():
                if isinstance(m, torch.nn.Dropout) or type(m).__name__ == "StochasticDepth":
                    m.eval()
            expected["train_logits"] = model(small)
            for name, m in model.named_modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    expected["train_running_var." + name] = m.running_var.clone()
                    break
        write_safetensors(os.path.join(out, f"{arch}-expected.safetensors"), expected)
        print(arch, "ok", flush=True)


if __name__ == "__main__":
    main()
