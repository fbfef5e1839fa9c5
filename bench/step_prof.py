"""Milliseconds per training step of torchvision's ResNet-18 in PyTorch, split as bench/StepProf.java.

Usage: step_prof.py BATCH ITERS [SIZE] [sgd|adamw]
"""
import sys
import time

import torch
import torchvision

torch.set_num_threads(1)
b, n = int(sys.argv[1]), int(sys.argv[2])
size = int(sys.argv[3]) if len(sys.argv) > 3 else 32
kind = sys.argv[4] if len(sys.argv) > 4 else "sgd"
m = torchvision.models.resnet18(num_classes=5)
m.train()
for mod in m.modules():
    if isinstance(mod, torch.nn.BatchNorm2d):
        mod.eval()
head = [p for n_, p in m.named_parameters() if n_.startswith("fc")]
body = [p for n_, p in m.named_parameters() if not n_.startswith("fc")]
groups = [{"params": body, "lr": 0.001}, {"params": head}]
if kind == "adamw":
    opt = torch.optim.AdamW(groups, lr=0.01)
else:
    opt = torch.optim.SGD(groups, lr=0.01, momentum=0.9, weight_decay=5e-4)
x = torch.randn(b, 3, size, size)
y = torch.zeros(b, dtype=torch.long)
lf = torch.nn.CrossEntropyLoss()
tz = tf = tb = ts = 0
for it in range(n + 5):
    t0 = time.perf_counter(); opt.zero_grad(set_to_none=False); t1 = time.perf_counter()
    loss = lf(m(x), y); loss.item(); t2 = time.perf_counter()
    loss.backward(); t3 = time.perf_counter(); opt.step(); t4 = time.perf_counter()
    if it >= 5:
        tz += t1 - t0; tf += t2 - t1; tb += t3 - t2; ts += t4 - t3
print("torch %s batch %d size %d: zero %.1f fwd %.1f bwd %.1f step %.1f ms"
      % (kind, b, size, tz * 1e3 / n, tf * 1e3 / n, tb * 1e3 / n, ts * 1e3 / n))
