#!/usr/bin/env python3
"""Small per-layer parity fixtures for dev.graft.nn, written with Debian's PyTorch 1.13.

Usage: make_nn_fixtures.py OUT_FILE  (src/test/resources/fixtures/nn/layers.safetensors)
"""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from make_model_fixtures import write_safetensors

torch.manual_seed(0)
t = {}
x = torch.randn(2, 4, 9, 11)
t["x"] = x

conv = nn.Conv2d(4, 6, 3, stride=2, padding=2, dilation=2, groups=2, bias=True)
t["conv.weight"], t["conv.bias"] = conv.weight.detach(), conv.bias.detach()
t["conv.out"] = conv(x).detach()

bn = nn.BatchNorm2d(4, eps=1e-3, momentum=0.01)
with torch.no_grad():
    bn.running_mean.copy_(torch.randn(4))
    bn.running_var.copy_(torch.rand(4) + 0.5)
    bn.weight.copy_(torch.rand(4) + 0.5)
    bn.bias.copy_(torch.randn(4))
for k in ["weight", "bias", "running_mean", "running_var"]:
    t["bn." + k] = getattr(bn, k).detach().clone()
bn.eval()
t["bn.eval_out"] = bn(x).detach()
bn.train()
t["bn.train_out1"] = bn(x).detach()
t["bn.train_out2"] = bn(x * 2 + 1).detach()
t["bn.running_mean_after"] = bn.running_mean.clone()
t["bn.running_var_after"] = bn.running_var.clone()
t["bn.num_batches_tracked_after"] = bn.num_batches_tracked.clone()

t["maxpool.out"] = F.max_pool2d(x, 3, 2, 1, ceil_mode=True)
t["avgpool.out"] = F.avg_pool2d(x, 3, 2, 1)
t["adaptive.out"] = F.adaptive_avg_pool2d(x, (3, 7))
t["relu6.out"] = F.relu6(x * 4)
t["hardswish.out"] = F.hardswish(x * 4)
t["hardsigmoid.out"] = F.hardsigmoid(x * 4)
t["silu.out"] = F.silu(x)
t["sigmoid.out"] = torch.sigmoid(x)

lin = nn.Linear(4 * 9 * 11, 5)
t["linear.weight"], t["linear.bias"] = lin.weight.detach(), lin.bias.detach()
t["linear.out"] = lin(torch.flatten(x, 1)).detach()

# gradients through conv -> bn(train) -> relu -> pool -> linear, loss = sum of squares / 2
conv2 = nn.Conv2d(4, 3, 3, padding=1, bias=False)
bn2 = nn.BatchNorm2d(3)
lin2 = nn.Linear(3, 2)
t["g.conv.weight"], t["g.lin.weight"], t["g.lin.bias"] = conv2.weight.detach().clone(), lin2.weight.detach().clone(), lin2.bias.detach().clone()
y = lin2(torch.flatten(F.adaptive_avg_pool2d(F.relu(bn2(conv2(x))), 1), 1))
loss = (y * y).sum() / 2
loss.backward()
t["g.loss"] = loss.detach().reshape(1)
t["g.conv.weight.grad"] = conv2.weight.grad
t["g.bn.weight.grad"] = bn2.weight.grad
t["g.lin.weight.grad"] = lin2.weight.grad

write_safetensors(sys.argv[1], {k: v.contiguous() for k, v in t.items()})
print("wrote", len(t), "tensors")
