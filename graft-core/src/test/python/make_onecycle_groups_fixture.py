"""OneCycleLR with two parameter groups, as fine-tuning uses it: the backbone at a tenth of the
head's rate, each group peaking at its own max_lr (a list), 3 epochs of 10 steps. Writes
src/test/resources/fixtures/train/onecycle_groups.json: the lr and momentum of each group
before every step. Read by ScheduleParityTest.oneCycleKeepsEachGroupsPeak.

usage: python3 src/test/python/make_onecycle_groups_fixture.py
"""
import json
import os

import torch
from torch import nn
from torch.optim import lr_scheduler

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "train", "onecycle_groups.json")
HEAD_LR, BACKBONE_MULT, EPOCHS, STEPS = 0.01, 0.1, 3, 10


def main():
    backbone, head = nn.Parameter(torch.zeros(1)), nn.Parameter(torch.zeros(1))
    groups = [{"params": [backbone], "lr": HEAD_LR * BACKBONE_MULT}, {"params": [head], "lr": HEAD_LR}]
    opt = torch.optim.SGD(groups, lr=HEAD_LR, momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=[g["lr"] for g in groups], total_steps=EPOCHS * STEPS)
    lrs, moms = [[], []], [[], []]
    for _ in range(EPOCHS * STEPS):
        for i, g in enumerate(opt.param_groups):
            lrs[i].append(g["lr"])
            moms[i].append(g["momentum"])
        opt.step()
        sched.step()
    fixture = {"torch": torch.__version__, "head_lr": HEAD_LR, "backbone_mult": BACKBONE_MULT, "epochs": EPOCHS,
               "steps_per_epoch": STEPS, "lr": lrs, "momentum": moms}
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)


if __name__ == "__main__":
    main()
