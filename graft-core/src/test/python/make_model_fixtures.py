#!/usr/bin/env python3
"""Writes model parity fixtures with Debian's PyTorch/torchvision.

For each architecture: torchvision's own random initialisation (seeded), BatchNorm given
non-trivial statistics, the state dict saved by torch.save in the zip format and in the
legacy (pre-1.6) format, PNG inputs of several sizes, the inputs after the preset
transforms, and the eval-mode logits; plus a train-mode forward at 64 px (batch
statistics, dropout and stochastic depth off), and the gradients of an eval-mode
cross-entropy for the first and the last weight. Expected tensors go into a safetensors file.

The preset is the one of torchvision's DEFAULT weights (EfficientNet-B0: bicubic; V2
weights: resize 232). For densenet, also the state dict as the published files have it (old
key names, no num_batches_tracked). `ARCH-meta.json` records torchvision's weights metadata.

Usage: make_model_fixtures.py OUT_DIR ARCH [ARCH...]
The files are large (a ResNet-50 state dict is 100 MB), so tests generate them into
target/ on first use instead of committing them.
"""
import collections
import copy
import json
import os
import re
import struct
import sys

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision import transforms

FIXTURE_VERSION = 6  # ModelFixtures.VERSION: older fixture directories are regenerated
GRAD_LABELS = [3, 7]  # ModelParityTest.GRAD_LABELS
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
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


def default_preset(arch):
    """(resize, crop, interpolation) of torchvision's DEFAULT weights for arch."""
    t = torchvision.models.get_model_weights(arch).DEFAULT.transforms()
    return t.resize_size[0], t.crop_size[0], t.interpolation


def weights_meta(arch, model):
    """What torchvision 0.14 publishes about every weights entry of arch, for the zoo test,
    plus the parameter count and stochastic-depth probabilities of the built model."""
    enum = torchvision.models.get_model_weights(arch)
    out = {"fixture_version": FIXTURE_VERSION, "default": enum.DEFAULT.name,
           "num_params": sum(p.numel() for p in model.parameters()), "weights": []}
    for w in enum:
        t = w.transforms()
        out["weights"].append({"tag": w.name, "file": w.url.rsplit("/", 1)[1], "num_params": w.meta["num_params"],
                               "acc1": w.meta["_metrics"]["ImageNet-1K"]["acc@1"],
                               "acc5": w.meta["_metrics"]["ImageNet-1K"]["acc@5"],
                               "resize": t.resize_size[0], "crop": t.crop_size[0], "interpolation": t.interpolation.value})
    out["stochastic_depth"] = [m.p for m in model.modules() if type(m).__name__ == "StochasticDepth"]
    return out


def legacy_densenet_keys(state):
    """The state dict as the published densenet files have it: pre-0.4 key names
    (denselayer1.norm.1.weight) and no num_batches_tracked."""
    out = collections.OrderedDict()
    for k, v in state.items():
        if k.endswith("num_batches_tracked"):
            continue
        m = re.match(r"^(.*denselayer\d+\.(?:norm|relu|conv))((?:[12])\.(?:weight|bias|running_mean|running_var))$", k)
        out[m.group(1) + "." + m.group(2) if m else k] = v
    return out


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

        if arch.startswith("densenet"):
            old = legacy_densenet_keys(model.state_dict())
            assert any(".norm.1." in k for k in old)
            torch.save(old, os.path.join(out, f"{arch}-oldkeys-legacy.pth"), _use_new_zipfile_serialization=False)

        resize, crop, interp = default_preset(arch)
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
            expected["num_params"] = torch.tensor(sum(p.numel() for p in model.parameters()))
            evaluated = copy.deepcopy(model)  # before the train-mode forward updates the running statistics
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
        # backward through the whole network: the gradients of a cross-entropy in eval mode
        # for the first convolution and the classifier weight (in train mode at batch 2 the
        # first gradient is ill-conditioned: PyTorch's own float32 result is up to 1e-2 off)
        names = [n for n, _ in evaluated.named_parameters()]
        torch.nn.functional.cross_entropy(evaluated(small), torch.tensor(GRAD_LABELS)).backward()
        params = dict(evaluated.named_parameters())
        for name in (names[0], names[-2]):
            expected["grad." + name] = params[name].grad.clone()
        write_safetensors(os.path.join(out, f"{arch}-expected.safetensors"), expected)
        with open(os.path.join(out, f"{arch}-meta.json"), "w") as f:  # last: marks a complete set
            json.dump(weights_meta(arch, model), f, indent=1, allow_nan=True)
        print(arch, "ok", flush=True)


if __name__ == "__main__":
    main()
