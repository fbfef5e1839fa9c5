"""Writes src/test/resources/fixtures/metrics/random200.json: 200 random samples over 7
classes (logits float32) and the metrics computed independently with numpy/torch, the way
sklearn defines them (precision/recall/F1 with zero_division=0, macro and weighted averages,
confusion_matrix rows = true), torch.topk for top-5, fastai-style most_confused, and the
10 most confident mistakes by torch.softmax probability.

Run: /usr/bin/python3 src/test/python/make_metrics_fixtures.py
"""
import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "metrics")
N, C, KEEP = 200, 7, 10

g = torch.Generator().manual_seed(1234)
y = torch.randint(0, C, (N,), generator=g)
logits = torch.randn(N, C, generator=g) * 1.5
# make the model better than chance, and class 6 never predicted (zero-division path)
logits[torch.arange(N), y] += 1.2
logits[:, 6] -= 20.0
logits = logits.float()

pred = logits.argmax(dim=1)
acc = (pred == y).sum().item() / N
k = min(5, C)
topk = logits.topk(k, dim=1).indices
top5 = (topk == y[:, None]).any(dim=1).sum().item() / N

yn, pn = y.numpy(), pred.numpy()
cm = np.zeros((C, C), dtype=np.int64)
for t, p in zip(yn, pn):
    cm[t, p] += 1
tp = np.diag(cm).astype(np.float64)
support = cm.sum(axis=1)
predicted = cm.sum(axis=0)
prec = np.where(predicted > 0, tp / np.maximum(predicted, 1), 0.0)
rec = np.where(support > 0, tp / np.maximum(support, 1), 0.0)
f1 = np.where(prec + rec > 0, 2 * prec * rec / np.maximum(prec + rec, 1e-300), 0.0)
classes = ["class_%d" % i for i in range(C)]

pairs = [(int(cm[t, p]), t, p) for t in range(C) for p in range(C) if t != p and cm[t, p] > 0]
pairs.sort(key=lambda e: (-e[0], e[1], e[2]))

probs = torch.softmax(logits.double(), dim=1)
wrong = [i for i in range(N) if pn[i] != yn[i]]
conf = {i: probs[i, pn[i]].item() for i in wrong}
worst = sorted(wrong, key=lambda i: (-conf[i], i))[:KEEP]

fixture = {
    "classes": classes,
    "labels": yn.tolist(),
    "logits": [[float(v) for v in row] for row in logits.numpy()],
    "keep_mistakes": KEEP,
    "expected": {
        "accuracy": acc,
        "top5": top5,
        "top_k": k,
        "precision": prec.tolist(),
        "recall": rec.tolist(),
        "f1": f1.tolist(),
        "support": support.tolist(),
        "macro_precision": float(prec.mean()),
        "macro_recall": float(rec.mean()),
        "macro_f1": float(f1.mean()),
        "weighted_f1": float((f1 * support).sum() / support.sum()),
        "confusion_matrix": cm.tolist(),
        "most_confused": [[t, p, c] for c, t, p in pairs],
        "worst_mistakes": [["sample_%d" % i, conf[i]] for i in worst],
    },
}
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "random200.json"), "w") as f:
    json.dump(fixture, f)
print("accuracy", acc, "top5", top5, "macro_f1", float(f1.mean()))
