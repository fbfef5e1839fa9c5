#!/usr/bin/python3
"""Writes src/test/resources/fixtures/io/views.pth: 120 tensors that are views of ONE storage
of 65536 float32 (256 KB), as parameter-flattening code saves them (torch.save writes the
storage once). Each view covers 50000 elements (every third one transposed), so copying each
view would cost 120 x 200 KB = 23 MB; torch.load gives 120 views of one 256 KB storage.
views.json gives, per key, the shape, the sum (float64) and the first 5 values of
tensor.contiguous(), as PyTorch computed them.
Run: /usr/bin/python3 src/test/python/make_views_fixture.py
"""
import collections
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "io")

base = torch.arange(65536, dtype=torch.float32) * 0.5
sd = collections.OrderedDict()
for i in range(120):
    v = base[i * 100: i * 100 + 50000].view(500, 100)
    sd["block%d.weight" % i] = v.t() if i % 3 == 2 else v
torch.save(sd, os.path.join(OUT, "views.pth"))
back = torch.load(os.path.join(OUT, "views.pth"))
assert len({t.storage().data_ptr() for t in back.values()}) == 1
expected = {k: {"shape": list(t.shape), "sum": float(t.double().sum()),
                "first": [float(x) for x in t.contiguous().flatten()[:5]]} for k, t in sd.items()}
with open(os.path.join(OUT, "views.json"), "w") as f:
    json.dump(expected, f, indent=0)
