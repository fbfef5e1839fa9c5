#!/usr/bin/python3
"""Writes ~200 photo-like 500x375 JPEGs in class folders for the data benchmark (not committed).

Each image is a Fashion-MNIST item (Debian's /usr/share/datasets/fashion-mnist, if installed;
else smooth random blobs) upscaled to 500x375, tinted over a smooth colour gradient, with
mild noise and texture, saved at quality 90 (4:2:0), so decoding costs what a camera photo of
that size costs. Usage: make-bench-jpegs.py [OUT_DIR] [COUNT]   (default /tmp/graft-bench-jpegs 200)
"""
import gzip
import os
import sys

import numpy as np
from PIL import Image, ImageFilter

FASHION = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
CLASSES = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"]


def items(count, rng):
    if os.path.exists(FASHION):
        with gzip.open(FASHION) as f:
            raw = f.read(16 + 784 * count)
        imgs = np.frombuffer(raw[16:], dtype=np.uint8).reshape(-1, 28, 28)
        with gzip.open(FASHION.replace("images-idx3", "labels-idx1")) as f:
            labels = np.frombuffer(f.read(8 + count)[8:], dtype=np.uint8)
        return imgs, labels
    small = rng.integers(0, 256, size=(count, 7, 7), dtype=np.uint8)
    imgs = np.stack([np.array(Image.fromarray(s).resize((28, 28), Image.BICUBIC)) for s in small])
    return imgs, rng.integers(0, 10, size=count)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/graft-bench-jpegs"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    rng = np.random.default_rng(0)
    imgs, labels = items(count, rng)
    w, h = 500, 375
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    for i in range(count):
        c0, c1 = rng.uniform(20, 235, 3), rng.uniform(20, 235, 3)
        angle = rng.uniform(0, np.pi)
        t = ((xx * np.cos(angle) + yy * np.sin(angle)) / (w + h))[..., None]
        background = c0 * (1 - t) + c1 * t
        item = np.array(Image.fromarray(imgs[i]).resize((h, h), Image.BICUBIC), dtype=np.float32) / 255
        mask = np.zeros((h, w), np.float32)
        x0 = int(rng.integers(0, w - h + 1))
        mask[:, x0:x0 + h] = item
        tint = rng.uniform(0, 255, 3)
        img = background * (1 - mask[..., None]) + tint * mask[..., None]
        img += rng.normal(0, 6, img.shape)  # sensor noise
        img += 12 * np.sin(xx / rng.uniform(3, 9))[..., None] * mask[..., None]  # fabric texture
        pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
        d = os.path.join(out, CLASSES[int(labels[i]) % 10])
        os.makedirs(d, exist_ok=True)
        pil.save(os.path.join(d, f"img{i:04d}.jpg"), quality=90)
    print(f"wrote {count} JPEGs of {w}x{h} to {out}")


if __name__ == "__main__":
    main()
