#!/usr/bin/env python3
"""Writes src/test/resources/fixtures/train/class_weights.json with PyTorch 1.13.

Balanced class weights for training counts 48 / 5 / 12 (scikit-learn's
compute_class_weight("balanced"): n_samples / (n_classes * bincount(y)), written out here
because sklearn is not installed), and torch.nn.CrossEntropyLoss(weight=...) with those
weights on seeded random logits (value and gradient), without and with label smoothing 0.1.

Usage: make_class_weights_fixture.py [OUT_DIR]   (default src/test/resources/fixtures/train)
"""
import json
import os
import sys

import torch
import torch.nn as nn

OUT = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/fixtures/train"
COUNTS = [48, 5, 12]

y = torch.cat([torch.full((n,), c, dtype=torch.int64) for c, n in enumerate(COUNTS)])
weight = (len(y) / (len(COUNTS) * torch.bincount(y).double())).float()

torch.manual_seed(16)
logits = torch.randn(10, len(COUNTS)) * 2
labels = torch.tensor([0, 0, 0, 0, 0, 1, 1, 2, 2, 0])
out = {"counts": COUNTS, "weight": weight.tolist(), "logits": logits.flatten().tolist(), "labels": labels.tolist()}
for name, smoothing in (("ce_balanced", 0.0), ("ce_balanced_smooth", 0.1)):
    x = logits.clone().requires_grad_(True)
    loss = nn.CrossEntropyLoss(weight=weight, label_smoothing=smoothing)(x, labels)
    loss.backward()
    out[name] = {"value": loss.item(), "grad": x.grad.flatten().tolist()}

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "class_weights.json"), "w") as f:
    json.dump(out, f, indent=1)
