#!/usr/bin/env python3
"""Writes optimizer-step parity fixtures with Debian's PyTorch 1.13 (torch.optim only, no model).

The weight (23 x 29) and bias (23) of a linear layer, seeded, take 6 optimizer steps with
seeded gradients; the learning rate halves after step 3, as a schedule would. For each
scenario the final parameters and the optimizer's per-parameter state are saved, so the Java
side can check that its update does PyTorch's arithmetic (the gradients are set directly:
no forward or backward kernels are involved).

Usage: make_optim_fixtures.py [OUT_DIR]   (default src/test/resources/fixtures/train)
"""
import os
import sys

import torch

from make_model_fixtures import write_safetensors

OUT = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/fixtures/train"
STEPS = 6

SCENARIOS = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-4),
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4),
    "sgd_dampening": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.3),
    "sgd_plain": lambda p: torch.optim.SGD(p, lr=0.3, weight_decay=1e-2),
    "adam": lambda p: torch.optim.Adam(p, lr=1e-2, weight_decay=1e-4),
    "adam_amsgrad": lambda p: torch.optim.Adam(p, lr=5e-3, betas=(0.8, 0.99), amsgrad=True),
    "adamw": lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=1e-2),
}


def main():
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(11)
    init = {"weight": torch.randn(23, 29, generator=g), "bias": torch.randn(23, generator=g)}
    # gradients of varied scale, so that Adam's moments differ from step to step
    grads = [{k: torch.randn(v.shape, generator=g) * (0.5 + s) for k, v in init.items()} for s in range(STEPS)]
    out = {"init." + k: v for k, v in init.items()}
    for s, gs in enumerate(grads):
        out.update({"grad%d.%s" % (s, k): v for k, v in gs.items()})
    for name, make in SCENARIOS.items():
        params = {k: torch.nn.Parameter(v.clone()) for k, v in init.items()}
        opt = make(list(params.values()))
        for s in range(STEPS):
            if s == 3:
                for group in opt.param_groups:
                    group["lr"] *= 0.5
            for k, p in params.items():
                p.grad = grads[s][k].clone()
            opt.step()
        for k, p in params.items():
            out["%s.final.%s" % (name, k)] = p.detach()
            for key, value in opt.state[p].items():
                if key != "step" and value is not None:
                    out["%s.state.%s.%s" % (name, k, key)] = value
    os.makedirs(OUT, exist_ok=True)
    write_safetensors(os.path.join(OUT, "optim.safetensors"), out)


if __name__ == "__main__":
    main()
