#!/usr/bin/python3
"""Fixtures for dev.graft.data tests, produced by torchvision 0.14 (Debian's /usr/bin/python3).

Writes src/test/resources/fixtures/data/:
  imagefolder.json  a tricky tree (spec: files, dirs, symlinks) and what torchvision's
                    ImageFolder lists for it: classes, class_to_idx, samples (relative paths)
  stl10/            tiny STL-10 binary files + stl10.json: torchvision's STL10 pixels (sha256 of
                    the HWC uint8 of each image as PIL gets it), labels, a fold
  idx/              tiny IDX files (raw and gzipped, 4x5 images) + idx.json from torchvision's reader
  cifar/            a tiny CIFAR-10 binary batch + cifar.json (sha256 of HWC uint8 per record)
  fashion_first.json  sha256 and label of image 0 of Debian's fashion-mnist train set (if installed)
Run: /usr/bin/python3 src/test/python/make_data_fixtures.py
"""
import gzip
import hashlib
import json
import os
import shutil
import tempfile

import numpy as np
from PIL import Image
from torchvision.datasets import ImageFolder, STL10
from torchvision.datasets.mnist import read_image_file, read_label_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "data")

# kind, path, symlink target. Files are empty: ImageFolder lists without opening.
TREE = [("file", p, None) for p in [
    "cat/A.jpg", "cat/a.jpg", "cat/B.JPEG", "cat/10.png", "cat/9.png", "cat/1.PnG", "cat/notes.txt",
    "cat/img.jpg.bak", "cat/.hidden.jpg", "cat/noext", "cat/x.gif", "cat/y.webp", "cat/z.tif",
    "cat/w.TIFF", "cat/v.pgm", "cat/u.ppm", "cat/t.bmp", "cat/.jpg",
    "cat/sub/x.jpg", "cat/sub/deeper/z.JPG", "cat/sub-a/y.png", "cat/sub.b/q.jpg", "cat/Sub/r.jpg",
    "cat/sub/a b.jpg", "cat/dir.jpg/inside.png", "cat/sub_/k.jpeg",
    "dog/d1.jpg", "dog/d2.JPG", "dog/Thumbs.db", "dog/nested/deep/er/e.png",
    "2/a.png", "10/a.png", "Zebra/z.jpg", "apple/a.jpg", "Apple/a.jpg",
    "b-c/1.jpg", "b.c/1.jpg", "b_c/1.jpg", ".hidden_class/h.jpg",
    "README.md", "root.jpg",
]] + [
    ("symlink", "cat/link", "../dog"),
    ("symlink", "cat/broken.jpg", "nonexistent.jpg"),
    ("symlink", "cat/filelink.png", "../dog/d1.jpg"),
    ("symlink", "lnkclass", "dog"),
    ("symlink", "dog/nested/loop", "../../dog"),
]


def make_tree(root):
    for kind, path, target in TREE:
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if kind == "file":
            open(full, "wb").close()
        else:
            os.symlink(target, full)


def sha(a):
    return hashlib.sha256(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).hexdigest()


def imagefolder():
    tmp = tempfile.mkdtemp()
    try:
        make_tree(tmp)
        # the loop link makes os.walk recurse until the path gets too deep; torchvision keeps
        # what it found. Graft visits a loop once, so the fixture uses a tree without it.
        os.remove(os.path.join(tmp, "dog/nested/loop"))
        ds = ImageFolder(tmp, loader=lambda p: None)
        samples = [[os.path.relpath(p, tmp), t] for p, t in ds.samples]
    finally:
        shutil.rmtree(tmp)
    tree = [{"kind": k, "path": p, "target": t} for k, p, t in TREE if p != "dog/nested/loop"]
    return {"tree": tree, "classes": ds.classes, "class_to_idx": ds.class_to_idx, "samples": samples}


def stl10(rng):
    d = os.path.join(OUT, "stl10", "stl10_binary")
    os.makedirs(d, exist_ok=True)
    names = ["airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"]
    out = {}
    for split, n in [("train", 3), ("test", 2)]:
        rng.integers(0, 256, size=(n, 3, 96, 96), dtype=np.uint8).tofile(os.path.join(d, split + "_X.bin"))
        labels = rng.integers(1, 11, size=n, dtype=np.uint8)
        labels.tofile(os.path.join(d, split + "_y.bin"))
        with open(os.path.join(d, "class_names.txt"), "w") as f:
            f.write("\n".join(names) + "\n")
        with open(os.path.join(d, "fold_indices.txt"), "w") as f:
            f.write("".join(("2 0 " if k == 3 else f"{k % 3} ") + "\n" for k in range(10)))
        s = STL10.__new__(STL10)
        s.root, s.base_folder = os.path.join(OUT, "stl10"), "stl10_binary"
        s.data, s.labels = s._STL10__loadfile(split + "_X.bin", split + "_y.bin")
        s.transform = s.target_transform = None
        items = [s[i] for i in range(n)]
        out[split] = {"sha256": [sha(np.array(img)) for img, _ in items], "labels": [t for _, t in items],
                      "pixel_0_1": [list(map(int, np.array(img)[0, 1])) for img, _ in items]}
    out["classes"] = names
    out["fold3"] = [2, 0]
    return out


def idx(rng):
    d = os.path.join(OUT, "idx")
    os.makedirs(d, exist_ok=True)
    imgs = rng.integers(0, 256, size=(3, 4, 5), dtype=np.uint8)
    labels = np.array([7, 0, 9], dtype=np.uint8)
    img_bytes = bytes([0, 0, 8, 3]) + np.array([3, 4, 5], dtype=">i4").tobytes() + imgs.tobytes()
    lab_bytes = bytes([0, 0, 8, 1]) + np.array([3], dtype=">i4").tobytes() + labels.tobytes()
    for prefix in ["train", "t10k"]:
        with open(os.path.join(d, prefix + "-images-idx3-ubyte"), "wb") as f:
            f.write(img_bytes)
        with gzip.GzipFile(os.path.join(d, prefix + "-labels-idx1-ubyte.gz"), "wb", mtime=0) as f:
            f.write(lab_bytes)
    x = read_image_file(os.path.join(d, "train-images-idx3-ubyte")).numpy()
    tmp = tempfile.mktemp()
    with open(tmp, "wb") as f:
        f.write(lab_bytes)
    y = read_label_file(tmp).numpy()
    os.remove(tmp)
    return {"shape": list(x.shape), "pixels": x.reshape(-1).tolist(), "labels": y.tolist()}


def cifar(rng):
    d = os.path.join(OUT, "cifar")
    os.makedirs(d, exist_ok=True)
    labels = np.array([3, 9], dtype=np.uint8)
    data = rng.integers(0, 256, size=(2, 3072), dtype=np.uint8)
    with open(os.path.join(d, "test_batch.bin"), "wb") as f:
        for l, row in zip(labels, data):
            f.write(bytes([l]) + row.tobytes())
    # torchvision's CIFAR10 (pickle version): data.reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))
    hwc = data.reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))
    return {"labels": labels.tolist(), "sha256": [sha(h) for h in hwc]}


def fashion_first():
    p = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
    if not os.path.exists(p):
        return None
    tmp = tempfile.mktemp()
    with gzip.open(p) as f, open(tmp, "wb") as g:
        g.write(f.read(16 + 28 * 28 * 2))
    # read_image_file asserts the full size; parse the header ourselves and use PIL like MNIST does
    with open(tmp, "rb") as f:
        raw = f.read()
    os.remove(tmp)
    img = Image.fromarray(np.frombuffer(raw[16:16 + 784], dtype=np.uint8).reshape(28, 28), mode="L").convert("RGB")
    with gzip.open(p.replace("images-idx3", "labels-idx1")) as f:
        label = f.read(9)[8]
    return {"sha256_rgb": sha(np.array(img)), "label": int(label)}


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261123)
    with open(os.path.join(OUT, "imagefolder.json"), "w") as f:
        json.dump(imagefolder(), f, indent=1)
    for name, fn in [("stl10", stl10), ("idx", idx), ("cifar", cifar)]:
        result = fn(rng)
        with open(os.path.join(OUT, name, name + ".json"), "w") as f:
            json.dump(result, f, indent=1)
    ff = fashion_first()
    if ff is not None:
        with open(os.path.join(OUT, "fashion_first.json"), "w") as f:
            json.dump(ff, f, indent=1)


if __name__ == "__main__":
    main()
