#!/usr/bin/python3
"""A source model for bench/pytorch_transfer.py in plain PyTorch (bench/auto-recipe.md, "Where it stands"):
ResNet-18 from scratch on PER images of each SOURCE class, Adam 1e-3 with cosine, batch 64, written as safetensors.

  /usr/bin/python3 bench/pytorch_source.py SOURCE_DIGITS PER EPOCHS light|none OUT.safetensors [SIZE]
"""
import os, sys, math, time, numpy as np, torch, torch.nn.functional as F, torchvision, struct, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_transfer as P
torch.set_num_threads(1)
torch.manual_seed(0)
src = [int(d) for d in sys.argv[1]]; per = int(sys.argv[2]); epochs = int(sys.argv[3]); aug = sys.argv[4]; out = sys.argv[5]; size = int(sys.argv[6]) if len(sys.argv) > 6 else 32
X, Y = P.idx("train-images-idx3-ubyte.gz"), P.idx("train-labels-idx1-ubyte.gz")
rng = np.random.default_rng(0)
pick = np.concatenate([rng.choice(np.flatnonzero(Y == d), per, replace=False) for d in src])
x = P.to_input(X[pick], size); y = torch.tensor([src.index(v) for v in Y[pick]])
m = torchvision.models.resnet18(num_classes=len(src))
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
n = len(x); bs = 64; total = epochs * math.ceil(n / bs); step = 0
g = torch.Generator().manual_seed(0)
t0 = time.time()
for e in range(epochs):
    m.train(); perm = torch.randperm(n, generator=g)
    for i in range(0, n, bs):
        b = perm[i:i+bs]
        if len(b) < 2: continue
        xb = P.light(x[b], g) if aug == "light" else x[b]
        for gr in opt.param_groups: gr["lr"] = 1e-3 * 0.5 * (1 + math.cos(math.pi * step / total))
        loss = F.cross_entropy(m(P.norm(xb)), y[b]); opt.zero_grad(); loss.backward(); opt.step(); step += 1
    print("epoch", e + 1, "loss", loss.item(), time.time() - t0, flush=True)
Xt, Yt = P.idx("t10k-images-idx3-ubyte.gz"), P.idx("t10k-labels-idx1-ubyte.gz")
te = np.isin(Yt, src); m.eval()
with torch.no_grad():
    xt = P.to_input(Xt[te], size); yt = torch.tensor([src.index(v) for v in Yt[te]])
    acc = sum((m(P.norm(xt[i:i+500])).argmax(1) == yt[i:i+500]).sum().item() for i in range(0, len(xt), 500)) / len(xt)
print("source test acc", acc)
sd = m.state_dict(); hdr = {}; off = 0; blobs = []
for k, v in sd.items():
    a = v.detach().contiguous().numpy(); dt = {"float32": "F32", "int64": "I64"}[str(a.dtype)]
    b = a.tobytes(); hdr[k] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [off, off + len(b)]}; off += len(b); blobs.append(b)
h = json.dumps(hdr).encode(); h += b" " * ((8 - len(h) % 8) % 8)
with open(out, "wb") as f: f.write(struct.pack("<Q", len(h))); f.write(h); [f.write(b) for b in blobs]
