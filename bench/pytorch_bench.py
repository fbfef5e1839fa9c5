#!/usr/bin/env python3
"""The PyTorch side of bench/compare-pytorch.sh: the same measurement as `graft bench`.

train = forward, cross-entropy, backward and an SGD step of the whole model on random
data; infer = eval-mode forward under torch.no_grad(). --channels-last runs model and input
in torch.channels_last (Graft's default); --precision bf16 (infer) casts both to bfloat16.
Prints one JSON object.
"""
import argparse
import json
import resource
import time

import torch
import torchvision

p = argparse.ArgumentParser()
p.add_argument("--arch", default="resnet18")
p.add_argument("--mode", default="train", choices=["train", "infer"])
p.add_argument("--batch-size", type=int, default=16)
p.add_argument("--image-size", type=int, default=224)
p.add_argument("--iterations", type=int, default=10)
p.add_argument("--warmup", type=int, default=2)
p.add_argument("--threads", type=int, default=0)
p.add_argument("--channels-last", action="store_true")
p.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
a = p.parse_args()
if a.threads > 0:
    torch.set_num_threads(a.threads)

model = getattr(torchvision.models, a.arch)()
opt = torch.optim.SGD(model.parameters(), lr=0.01)
labels = torch.tensor([(i * 37) % 1000 for i in range(a.batch_size)])
model.train(a.mode == "train")
fmt = torch.channels_last if a.channels_last else torch.contiguous_format
dtype = torch.bfloat16 if a.precision == "bf16" else torch.float32
model = model.to(dtype=dtype, memory_format=fmt)
for it in range(a.warmup + a.iterations):
    if it == a.warmup:
        start = time.perf_counter()
    x = torch.randn(a.batch_size, 3, a.image_size, a.image_size).to(dtype=dtype, memory_format=fmt)
    if a.mode == "train":
        loss = torch.nn.functional.cross_entropy(model(x), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    else:
        with torch.no_grad():
            model(x)
secs = time.perf_counter() - start
print(json.dumps({"arch": a.arch, "mode": a.mode, "precision": a.precision,
                  "memory_format": "channels_last" if a.channels_last else "nchw", "batch_size": a.batch_size, "image_size": a.image_size,
                  "threads": torch.get_num_threads(), "images_per_second": a.iterations * a.batch_size / secs,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
