#!/usr/bin/python3
"""Few-shot transfer on Fashion-MNIST in plain PyTorch: the reference cells of bench/auto-recipe.md.

Loads a ResNet-18 source model (a Graft model.safetensors: PyTorch state-dict keys), replaces its
head for the target classes, and fine-tunes on SHOTS images per target class; prints the accuracy
on all official test images of the target classes (5000 for 5 classes).

  /usr/bin/python3 bench/pytorch_transfer.py SOURCE.safetensors TARGET_DIGITS SHOTS SEEDS CELL[,CELL...]

CELL grammar: key=value pairs joined by '+', e.g. lr=0.003+mult=0.1+bn=eval+wd=5e-4+ep=30+bs=16+sched=cos
  lr (head rate), mult (backbone multiplier), bn (eval: all BatchNorm use running stats; train:
  the PyTorch tutorial's model.train()), wd (coupled, SGD), ep, bs, sched (cos: 5% linear warmup
  from 0.1x + cosine per step; step: StepLR(7, 0.1) per epoch, the tutorial's), aug (light:
  resize 32 + pad-crop 4 + flip; none), opt (sgd momentum 0.9 | adam), tutorial=1 for the
  tutorials' exact recipe (SGD 0.001 momentum 0.9, StepLR(7, 0.1), model.train(), batch 4,
  RandomResizedCrop + flip, eval resize 37 + crop 32) at 32 px.
Images: 28 px grey -> RGB, bilinear resize to 32, ImageNet mean/std, as Graft's light preset.
"""
import gzip, json, math, struct, sys, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F, torchvision

DATA = "/usr/share/datasets/fashion-mnist"
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def idx(name):
    with gzip.open(f"{DATA}/{name}", "rb") as f:
        b = f.read()
    if struct.unpack(">I", b[:4])[0] == 2051:
        n, h, w = struct.unpack(">III", b[4:16])
        return np.frombuffer(b, np.uint8, offset=16).reshape(n, h, w)
    return np.frombuffer(b, np.uint8, offset=8)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    types = {"F32": np.float32, "I64": np.int64, "F64": np.float64}
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[a:b], types[v["dtype"]]).reshape(v["shape"]).copy())
    return out


def to_input(x, size=32):
    """uint8 [N,28,28] -> float [N,3,size,size] in [0,1], bilinear resize (upsampling: no antialias)."""
    t = torch.from_numpy(x).float().div(255).unsqueeze(1)
    t = F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False)
    return t.expand(-1, 3, -1, -1).contiguous()


def light(x, g):
    """RandomCrop(size, padding size/8, fill 0) + RandomHorizontalFlip per image."""
    n, size = x.shape[0], x.shape[-1]
    pad = size // 8
    p = F.pad(x, (pad, pad, pad, pad))
    out = torch.empty_like(x)
    for i in range(n):
        dy, dx = torch.randint(0, 2 * pad + 1, (2,), generator=g).tolist()
        img = p[i, :, dy:dy + size, dx:dx + size]
        if torch.rand(1, generator=g).item() < 0.5:
            img = img.flip(-1)
        out[i] = img
    return out


def rrc(x, g):
    """RandomResizedCrop(32, scale 0.08-1, ratio 3/4-4/3) + flip, torchvision's sampling."""
    out = torch.empty_like(x)
    for i in range(x.shape[0]):
        img = x[i]
        h = w = 32
        for _ in range(10):
            area = h * w * torch.empty(1).uniform_(0.08, 1.0, generator=g).item()
            logr = torch.empty(1).uniform_(math.log(3 / 4), math.log(4 / 3), generator=g).item()
            r = math.exp(logr)
            cw, ch = int(round(math.sqrt(area * r))), int(round(math.sqrt(area / r)))
            if 0 < cw <= w and 0 < ch <= h:
                top = torch.randint(0, h - ch + 1, (1,), generator=g).item()
                left = torch.randint(0, w - cw + 1, (1,), generator=g).item()
                break
        else:
            ch, cw, top, left = h, w, 0, 0
        crop = img[:, top:top + ch, left:left + cw].unsqueeze(0)
        crop = F.interpolate(crop, size=(32, 32), mode="bilinear", align_corners=False)[0]
        if torch.rand(1, generator=g).item() < 0.5:
            crop = crop.flip(-1)
        out[i] = crop
    return out


def norm(x):
    return (x - MEAN) / STD


def init_head(m, xtr, ytr, classes, how):
    """lp: a linear probe trained to convergence on the un-augmented features (LP-FT);
    imprint: class means of the L2-normalised features, scaled (weight imprinting)."""
    m.eval()
    fc = m.fc
    m.fc = nn.Identity()
    with torch.no_grad():
        f = m(norm(xtr))
    m.fc = fc
    if how == "imprint":
        fn = F.normalize(f, dim=1)
        w = torch.stack([fn[ytr == k].mean(0) for k in range(classes)])
        w = F.normalize(w, dim=1) * (10.0 / f.norm(dim=1).mean())
        with torch.no_grad():
            fc.weight.copy_(w)
            fc.bias.zero_()
        return
    opt = torch.optim.LBFGS(fc.parameters(), lr=1, max_iter=200, line_search_fn="strong_wolfe")
    wd = float(how[2:]) if len(how) > 2 else 1e-3

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(fc(f), ytr) + wd * fc.weight.pow(2).sum()
        loss.backward()
        return loss
    opt.step(closure)


def run(cell, src, xtr, ytr, xte, yte, classes, seed):
    c = dict(lr=0.01, mult=0.1, bn="eval", wd=5e-4, ep=30, bs=16, sched="cos", aug="light", opt="sgd", tutorial=0,
             init="random", ls=0.0, size=32)
    for kv in cell.split("+"):
        k, v = kv.split("=")
        c[k] = type(c[k])(v)
    if c["tutorial"]:
        c.update(lr=0.001, mult=1.0, bn="train", wd=0.0, bs=4, sched="step", aug="rrc", opt="sgd")
    if c["size"] != xtr.shape[-1]:
        xtr = F.interpolate(xtr, size=(c["size"],) * 2, mode="bilinear", align_corners=False)
        xte = F.interpolate(xte, size=(c["size"],) * 2, mode="bilinear", align_corners=False)
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    m = torchvision.models.resnet18(num_classes=classes)
    sd = {k: v for k, v in src.items() if not k.startswith("fc.")}
    missing = m.load_state_dict(sd, strict=False).missing_keys
    assert set(missing) == {"fc.weight", "fc.bias"}, missing
    if c["init"] != "random":
        init_head(m, xtr, ytr, classes, c["init"])
    head = list(m.fc.parameters())
    body = [p for n, p in m.named_parameters() if not n.startswith("fc.")]
    groups = [{"params": body, "lr": c["lr"] * c["mult"]}, {"params": head, "lr": c["lr"]}]
    if c["opt"] == "sgd":
        opt = torch.optim.SGD(groups, lr=c["lr"], momentum=0.9, weight_decay=c["wd"])
    else:
        opt = torch.optim.Adam(groups, lr=c["lr"], weight_decay=c["wd"])
    n = len(xtr)
    steps_per_epoch = math.ceil(n / c["bs"])
    total = c["ep"] * steps_per_epoch
    warm = max(1, total // 20)
    base = [gr["lr"] for gr in opt.param_groups]

    def factor(step):
        if c["sched"] == "cos":
            if step < warm:
                return 0.1 + 0.9 * step / warm
            return 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))
        return 0.1 ** ((step // steps_per_epoch) // 7)

    step = 0
    t0 = time.time()
    for epoch in range(c["ep"]):
        m.train()
        if c["bn"] == "eval":
            for mod in m.modules():
                if isinstance(mod, nn.BatchNorm2d):
                    mod.eval()
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, c["bs"]):
            b = perm[i:i + c["bs"]]
            if len(b) == 1:
                continue
            x = xtr[b]
            x = light(x, g) if c["aug"] == "light" else rrc(x, g) if c["aug"] == "rrc" else x
            for gr, lr0 in zip(opt.param_groups, base):
                gr["lr"] = lr0 * factor(step)
            loss = F.cross_entropy(m(norm(x)), ytr[b], label_smoothing=c["ls"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
    train_s = time.time() - t0
    m.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(xte), 500):
            xe = xte[i:i + 500]
            if c["tutorial"]:  # resize 37 + centre crop 32
                xe = F.interpolate(xe, size=(37, 37), mode="bilinear", align_corners=False)[:, :, 2:34, 2:34]
            correct += (m(norm(xe)).argmax(1) == yte[i:i + 500]).sum().item()
    return correct / len(xte), train_s


def main():
    torch.set_num_threads(int(__import__("os").environ.get("THREADS", "1")))
    src = read_safetensors(sys.argv[1])
    target = [int(d) for d in sys.argv[2]]
    shots, seeds = int(sys.argv[3]), int(sys.argv[4])
    cells = sys.argv[5].split(",")
    Xtr, Ytr = idx("train-images-idx3-ubyte.gz"), idx("train-labels-idx1-ubyte.gz")
    Xte, Yte = idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz")
    te = np.isin(Yte, target)
    xte = to_input(Xte[te])
    yte = torch.tensor([target.index(y) for y in Yte[te]])
    res = {cell: [] for cell in cells}
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        pick = np.concatenate([rng.choice(np.flatnonzero(Ytr == d), shots, replace=False) for d in target])
        xtr = to_input(Xtr[pick])
        ytr = torch.tensor([target.index(y) for y in Ytr[pick]])
        for cell in cells:
            acc, s = run(cell, src, xtr, ytr, xte, yte, len(target), seed)
            res[cell].append(acc)
            print(f"seed {seed} {cell:50s} acc {acc:.4f} train {s:.1f} s", flush=True)
    print(f"\n| cell | target acc, mean ± std ({seeds} seeds, {len(xte)} test images) | per seed |\n|---|---|---|")
    for cell, a in res.items():
        a = np.array(a)
        print(f"| {cell} | {a.mean():.3f} ± {a.std(ddof=1) if len(a) > 1 else 0:.3f} | {' '.join(f'{x:.3f}' for x in a)} |")


if __name__ == "__main__":
    main()
