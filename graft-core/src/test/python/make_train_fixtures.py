#!/usr/bin/env python3
"""Writes training parity fixtures with Debian's PyTorch 1.13 (torch.optim, lr_scheduler).

A small CNN (conv-bn-relu-conv-bn-relu-pool-linear, 4 classes) with seeded initial weights
trains for 20 steps on 20 fixed batches of 8 x 3 x 16 x 16. The inputs are not stored: both
languages compute them from an integer hash (exact in float32, see `batch`). For each
scenario (optimizer, parameter groups, schedule, loss, frozen layers) the per-step losses,
learning rates and the final state dict (BatchNorm running statistics included) are saved.
Also: learning-rate sequences of the schedules, and loss values with their gradients.

Usage: make_train_fixtures.py [OUT_DIR]   (default src/test/resources/fixtures/train)
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim import lr_scheduler

from make_model_fixtures import write_safetensors

OUT = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/fixtures/train"
STEPS, N, C, H, W, CLASSES = 20, 8, 3, 16, 16, 4
M32 = 0xFFFFFFFF


def hash32(x):
    """lowbias32: the same integer hash as TrainFixtures.hash32 in Java."""
    x &= M32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return x


def batch(b):
    """Inputs in [-1, 1) with 16-bit mantissas (exact in float32) and labels, from a hash."""
    n = N * C * H * W
    xs = [(hash32(b * 1000003 + i) >> 16) / 32768.0 - 1.0 for i in range(n)]
    ys = [hash32(b * 7919 + k + 999331) % CLASSES for k in range(N)]
    return torch.tensor(xs, dtype=torch.float32).reshape(N, C, H, W), torch.tensor(ys, dtype=torch.int64)


def make_model():
    torch.manual_seed(0)
    m = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, CLASSES))
    with torch.no_grad():
        for bn in (m[1], m[4]):
            bn.weight.copy_(torch.rand(bn.num_features) + 0.5)
            bn.bias.copy_(torch.randn(bn.num_features) * 0.1)
    return m


CLASS_WEIGHTS = [1.0, 2.0, 0.5, 1.5]


def scenario(name, batches, init):
    model = make_model()
    model.load_state_dict(init)
    model.train()
    backbone = [p for n, p in model.named_parameters() if not n.startswith("8.")]
    head = list(model[8].parameters())
    crit = nn.CrossEntropyLoss()
    sched, per_step = None, False
    if name == "sgd_steplr":
        # two parameter groups (backbone at a tenth of the head's lr), StepLR per epoch of 5 steps
        opt = torch.optim.SGD([{"params": backbone, "lr": 0.01}, {"params": head}],
                              lr=0.1, momentum=0.9, weight_decay=1e-4)
        sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    elif name == "sgd_nesterov_ce_smooth_weights":
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
        crit = nn.CrossEntropyLoss(weight=torch.tensor(CLASS_WEIGHTS), label_smoothing=0.1)
    elif name == "sgd_dampening":
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.8, dampening=0.3)
    elif name == "sgd_onecycle":
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
        sched, per_step = lr_scheduler.OneCycleLR(opt, max_lr=0.2, total_steps=STEPS), True
    elif name == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    elif name == "adam_amsgrad":
        opt = torch.optim.Adam(model.parameters(), lr=5e-3, betas=(0.8, 0.99), amsgrad=True)
    elif name == "adamw":
        opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=1e-2)
    elif name == "head_frozen_bn":
        # strategy "head": everything frozen but the classifier; frozen BatchNorm in eval mode
        for p in backbone:
            p.requires_grad_(False)
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    else:
        raise ValueError(name)
    losses, lrs = [], []
    for step, (x, y) in enumerate(batches):
        model.train()
        if name == "head_frozen_bn":
            model[1].eval()
            model[4].eval()
        lrs.append(opt.param_groups[-1]["lr"])
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if sched is not None and (per_step or (step + 1) % 5 == 0):
            sched.step()
    out = {name + ".loss": torch.tensor(losses, dtype=torch.float32)}
    out[name + ".lr"] = torch.tensor(lrs, dtype=torch.float32)
    for k, v in model.state_dict().items():
        out[name + ".final." + k] = v
    return out


SCENARIOS = ["sgd_steplr", "sgd_nesterov_ce_smooth_weights", "sgd_dampening", "sgd_onecycle",
             "adam", "adam_amsgrad", "adamw", "head_frozen_bn"]


def schedules():
    def run(make_opt, make_sched, n, metrics=None, key="lr"):
        opt = make_opt()
        s = make_sched(opt)
        lrs, moms = [], []
        for i in range(n):
            g = opt.param_groups[0]
            lrs.append(g["lr"])
            moms.append(g["momentum"] if "momentum" in g else g["betas"][0])
            opt.step()
            if metrics is None:
                s.step()
            else:
                s.step(metrics[i])
        return {"lr": lrs, "momentum": moms}

    p = [nn.Parameter(torch.zeros(1))]
    sgd = lambda: torch.optim.SGD(p, lr=0.1, momentum=0.9)
    adam = lambda: torch.optim.Adam(p, lr=0.1)
    acc = [0.5, 0.6, 0.6, 0.60001, 0.59, 0.58, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.71, 0.5, 0.5, 0.5]
    loss = [1.0, 0.9, 0.95, 0.9, 0.8999, 0.91, 0.92, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1]
    return {
        "step": run(sgd, lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.1), 12),
        "multistep": run(sgd, lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 5, 9], gamma=0.5), 12),
        "onecycle_sgd": run(sgd, lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=30), 30),
        "onecycle_adam": run(adam, lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.01, total_steps=25,
                                                                      pct_start=0.25), 25),
        "onecycle_nomom": run(sgd, lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.3, total_steps=17,
                                                                      cycle_momentum=False, div_factor=10,
                                                                      final_div_factor=100), 17),
        "cosine_warmup": run(sgd, lambda o: lr_scheduler.SequentialLR(o, [
            lr_scheduler.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5),
            lr_scheduler.CosineAnnealingLR(o, T_max=15, eta_min=0.001)], milestones=[5]), 20),
        "cosine": run(sgd, lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.0), 10),
        "plateau_max": run(sgd, lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="max", factor=0.5, patience=2),
                           len(acc), metrics=acc),
        "plateau_min": run(sgd, lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="min", factor=0.1, patience=1,
                                                                          cooldown=1, min_lr=0.0005),
                           len(loss), metrics=loss),
        "plateau_inputs": {"acc": acc, "loss": loss},
    }


def losses():
    g = torch.Generator().manual_seed(3)
    logits = torch.randn(6, 5, generator=g) * 2
    labels = torch.tensor([0, 3, 4, 1, 3, 2])
    w = torch.tensor([0.5, 1.0, 2.0, 1.5, 0.25])
    cases = {
        "ce": dict(),
        "ce_weight": dict(weight=w),
        "ce_smooth": dict(label_smoothing=0.2),
        "ce_weight_smooth": dict(weight=w, label_smoothing=0.1),
    }
    out = {"logits": logits.flatten().tolist(), "labels": labels.tolist(), "weight": w.tolist()}
    for k, kw in cases.items():
        x = logits.clone().requires_grad_(True)
        loss = F.cross_entropy(x, labels, **kw)
        loss.backward()
        out[k] = {"value": loss.item(), "grad": x.grad.flatten().tolist()}
    for k, kw in {"nll": dict(), "nll_weight": dict(weight=w)}.items():
        x = logits.clone().requires_grad_(True)
        loss = F.nll_loss(F.log_softmax(x, 1), labels, **kw)
        loss.backward()
        out[k] = {"value": loss.item(), "grad": x.grad.flatten().tolist()}
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    init = make_model().state_dict()
    batches = [batch(b) for b in range(STEPS)]
    tensors = {"init." + k: v for k, v in init.items()}
    for s in SCENARIOS:
        tensors.update(scenario(s, batches, init))
    tensors["check.x0"] = batches[0][0].flatten()[:16]
    tensors["check.y0"] = batches[0][1]
    write_safetensors(os.path.join(OUT, "train.safetensors"), tensors)
    with open(os.path.join(OUT, "schedules.json"), "w") as f:
        json.dump(schedules(), f, indent=1)
    with open(os.path.join(OUT, "losses.json"), "w") as f:
        json.dump(losses(), f, indent=1)


if __name__ == "__main__":
    main()
