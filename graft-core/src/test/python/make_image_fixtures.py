#!/usr/bin/python3
"""Writes the image decoding and transform fixtures for Graft's tests.

Run with Debian's python3 (Pillow 9.4, torchvision 0.14, torch 1.13):
    /usr/bin/python3 src/test/python/make_image_fixtures.py
Outputs go to src/test/resources/fixtures/image/. Every expected value comes from PIL or
torchvision; a manifest.json lists the cases. Raw outputs: *.rgb = uint8 HWC RGB,
*.f32 = float32 little-endian CHW.
"""
import json
import math
import os
import struct
import zlib

import numpy as np
import torch
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image, ImageEnhance

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "image")
os.makedirs(OUT, exist_ok=True)
manifest = {"decode": [], "resize": [], "resized_crop": [], "center_crop": [], "preset": [],
            "jitter": [], "rrc_stats": [], "preset_u8": []}


def smooth(w, h, c, seed, maxval=255):
    """Photo-like content: gradients, blobs and noise, so resampling has work to do."""
    r = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    out = np.zeros((h, w, c))
    for k in range(c):
        out[..., k] = 0.5 + 0.35 * np.sin(x / (3 + 2 * k + seed % 3) + y / 5.0) + 0.1 * np.cos(y / (2.0 + k))
    out += r.normal(0, 0.08, out.shape)
    out = np.clip(out, 0, 1)
    out[r.random((h, w)) < 0.03] = 0  # some extremes
    out[r.random((h, w)) < 0.03] = 1
    return np.rint(out * maxval).astype(np.int64)


# ---------------------------------------------------------------- PNG writer (any mode)
def _filter_rows(raw_rows, bpp):
    out = bytearray()
    prev = bytes(len(raw_rows[0])) if raw_rows else b""
    for idx, row in enumerate(raw_rows):
        ft = idx % 5
        cur = bytearray(len(row))
        for i in range(len(row)):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 0:
                pred = 0
            elif ft == 1:
                pred = a
            elif ft == 2:
                pred = b
            elif ft == 3:
                pred = (a + b) >> 1
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[i] = (row[i] - pred) & 0xFF
        out.append(ft)
        out += cur
        prev = row
    return bytes(out)


def _pack_row(samples, depth):
    """samples: 1-D int array of one scanline's samples."""
    if depth == 8:
        return bytes(samples.astype(np.uint8))
    if depth == 16:
        return samples.astype(">u2").tobytes()
    per = 8 // depth
    out = bytearray()
    for i in range(0, len(samples), per):
        byte = 0
        chunk = samples[i:i + per]
        for k in range(per):
            v = int(chunk[k]) if k < len(chunk) else 0
            byte |= v << (8 - depth * (k + 1))
        out.append(byte)
    return bytes(out)


def write_png(path, arr, color_type, depth, palette=None, interlace=False, extra=()):
    h, w = arr.shape[:2]
    ch = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    arr = arr.reshape(h, w, ch)
    bpp = max(1, ch * depth // 8)

    def rows_of(sub):
        return [_pack_row(sub[y].reshape(-1), depth) for y in range(sub.shape[0])]

    if not interlace:
        data = _filter_rows(rows_of(arr), bpp)
    else:
        data = b""
        for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
            sub = arr[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                data += _filter_rows(rows_of(sub), bpp)

    def chunk(t, payload):
        return struct.pack(">I", len(payload)) + t + payload + struct.pack(">I", zlib.crc32(t + payload))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 1 if interlace else 0))
    for t, payload in extra:
        png += chunk(t, payload)
    if palette is not None:
        png += chunk(b"PLTE", bytes(palette))
    png += chunk(b"IDAT", zlib.compress(data, 6)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def expect_decode(name, note):
    path = os.path.join(OUT, name)
    im = Image.open(path)
    mode = im.mode
    rgb = np.asarray(im.convert("RGB"))
    if mode in ("RGBA", "LA"):
        # PIL drops alpha without compositing: the colour of transparent pixels survives.
        raw = np.asarray(im)
        assert np.array_equal(rgb, raw[..., :3] if mode == "RGBA" else np.repeat(raw[..., :1], 3, axis=2)), name
    rgb.tofile(path + ".rgb")
    manifest["decode"].append({"file": name, "expected": name + ".rgb", "width": rgb.shape[1],
                               "height": rgb.shape[0], "pil_mode": mode, "note": note})


def png_cases():
    k = 0
    for (w, h) in [(37, 23), (9, 3), (1, 1)]:
        for depth in (1, 2, 4, 8, 16):
            k += 1
            maxv = (1 << depth) - 1
            arr = smooth(w, h, 1, k, maxv)
            if depth == 16:
                arr[0, 0] = 200  # below 256: survives PIL's clip
            write_png(os.path.join(OUT, f"grey{depth}_{w}x{h}.png"), arr, 0, depth, interlace=(depth == 4))
            expect_decode(f"grey{depth}_{w}x{h}.png", f"grey {depth}-bit")
        for depth in (1, 2, 4, 8):
            k += 1
            n = 1 << depth
            pal = np.random.default_rng(k).integers(0, 256, (n, 3))
            arr = smooth(w, h, 1, k, n - 1)
            extra = [(b"tRNS", bytes([0, 128]))] if depth == 8 else []
            path = os.path.join(OUT, f"pal{depth}_{w}x{h}.png")
            # tRNS must follow PLTE: write it as an extra chunk after rewriting order below
            write_png(path, arr, 3, depth, palette=pal.reshape(-1).tolist(), interlace=(depth == 2))
            if extra:
                data = open(path, "rb").read()
                i = data.index(b"IDAT") - 4
                t = extra[0]
                c = struct.pack(">I", len(t[1])) + t[0] + t[1] + struct.pack(">I", zlib.crc32(t[0] + t[1]))
                open(path, "wb").write(data[:i] + c + data[i:])
            expect_decode(f"pal{depth}_{w}x{h}.png", f"palette {depth}-bit")
        for ct, cname, ch in [(2, "rgb", 3), (4, "la", 2), (6, "rgba", 4)]:
            for depth in (8, 16):
                k += 1
                arr = smooth(w, h, ch, k, (1 << depth) - 1)
                extra = [(b"gAMA", struct.pack(">I", 45455))] if ct == 2 else []
                write_png(os.path.join(OUT, f"{cname}{depth}_{w}x{h}.png"), arr, ct, depth,
                          interlace=(ct == 2 and depth == 8 and w == 37), extra=extra)
                expect_decode(f"{cname}{depth}_{w}x{h}.png", f"{cname} {depth}-bit")
    # grey with tRNS
    arr = smooth(20, 7, 1, 99)
    write_png(os.path.join(OUT, "grey8_trns.png"), arr, 0, 8, extra=[(b"tRNS", struct.pack(">H", 17))])
    expect_decode("grey8_trns.png", "grey with tRNS")


def other_format_cases():
    base = Image.fromarray(smooth(33, 21, 3, 7).astype(np.uint8), "RGB")
    # JPEGs (PIL encoder), various subsamplings and modes.
    photo = Image.fromarray(smooth(96, 72, 3, 11).astype(np.uint8), "RGB")
    photo.save(os.path.join(OUT, "photo420.jpg"), quality=85)
    expect_decode("photo420.jpg", "jpeg 4:2:0")
    photo.save(os.path.join(OUT, "photo444.jpg"), quality=90, subsampling=0)
    expect_decode("photo444.jpg", "jpeg 4:4:4")
    Image.fromarray(smooth(51, 37, 3, 12).astype(np.uint8), "RGB").save(os.path.join(OUT, "odd422.jpg"), quality=80, subsampling=1)
    expect_decode("odd422.jpg", "jpeg 4:2:2 odd size")
    Image.fromarray(smooth(45, 31, 3, 13).astype(np.uint8), "RGB").save(os.path.join(OUT, "prog.jpg"), quality=75, progressive=True)
    expect_decode("prog.jpg", "jpeg progressive")
    from PIL import ImageCms
    srgb = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    srgb[24:36] = bytes(12)  # creation date: zeroed so the fixture is reproducible
    srgb = bytes(srgb)
    Image.fromarray(smooth(40, 30, 3, 14).astype(np.uint8), "RGB").save(os.path.join(OUT, "icc.jpg"), quality=85, icc_profile=srgb)
    expect_decode("icc.jpg", "jpeg with ICC profile (ignored by PIL)")
    photo.convert("L").save(os.path.join(OUT, "grey.jpg"), quality=85)
    expect_decode("grey.jpg", "jpeg grey")
    photo.convert("CMYK").save(os.path.join(OUT, "cmyk.jpg"), quality=90)
    expect_decode("cmyk.jpg", "jpeg cmyk (adobe)")
    base.save(os.path.join(OUT, "rgb24.bmp"))
    expect_decode("rgb24.bmp", "bmp 24-bit")
    base.convert("P", palette=Image.ADAPTIVE, colors=50).save(os.path.join(OUT, "pal8.bmp"))
    expect_decode("pal8.bmp", "bmp 8-bit palette")
    base.save(os.path.join(OUT, "rgb.ppm"))
    expect_decode("rgb.ppm", "ppm P6")
    base.convert("L").save(os.path.join(OUT, "grey.pgm"))
    expect_decode("grey.pgm", "pgm P5")
    g = smooth(13, 5, 1, 21, 1000)
    with open(os.path.join(OUT, "grey1000.pgm"), "wb") as f:
        f.write(b"P5\n# sixteen bit\n13 5\n1000\n" + g.astype(">u2").tobytes())
    expect_decode("grey1000.pgm", "pgm 16-bit maxval 1000")
    c = smooth(7, 4, 3, 22, 100)
    with open(os.path.join(OUT, "plain.ppm"), "wb") as f:
        f.write(b"P3\n7 4\n100\n" + " ".join(str(v) for v in c.reshape(-1)).encode() + b"\n")
    expect_decode("plain.ppm", "ppm P3 maxval 100")
    c = smooth(6, 5, 3, 23, 63)
    with open(os.path.join(OUT, "rgb63.ppm"), "wb") as f:
        f.write(b"P6 6 5 63\n" + c.astype(np.uint8).tobytes())
    expect_decode("rgb63.ppm", "ppm P6 maxval 63")
    base.convert("1").save(os.path.join(OUT, "bits.pbm"))
    expect_decode("bits.pbm", "pbm P4")
    base.save(os.path.join(OUT, "rgb.tif"))
    expect_decode("rgb.tif", "tiff rgb")
    base.convert("L").save(os.path.join(OUT, "grey.tif"))
    expect_decode("grey.tif", "tiff grey")


def write_rgb(name, im):
    a = np.asarray(im)
    assert im.mode == "RGB"
    a.tofile(os.path.join(OUT, name))
    return {"expected": name, "width": im.size[0], "height": im.size[1]}


def transform_cases():
    srcs = {}
    for name, (w, h, seed) in {"src50x64.png": (50, 64, 31), "src37x23.png": (37, 23, 32), "src97x75.png": (97, 75, 33)}.items():
        Image.fromarray(smooth(w, h, 3, seed).astype(np.uint8), "RGB").save(os.path.join(OUT, name))
        srcs[name] = Image.open(os.path.join(OUT, name)).convert("RGB")
    interps = {"bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC}
    for src, sizes in [("src50x64.png", [(23, 31), (97, 120), (50, 20), (17, 64), (1, 5), (200, 3)]),
                       ("src37x23.png", [(36, 22), (74, 46), (5, 5), (111, 69)])]:
        for (w, h) in sizes:
            for iname, interp in interps.items():
                out = srcs[src].resize((w, h), interp)
                n = f"resize_{src[:-4]}_{w}x{h}_{iname}.rgb"
                manifest["resize"].append({"source": src, "mode": "exact", "interpolation": iname, **write_rgb(n, out)})
    # torchvision Resize(int): short side rule
    for src, size in [("src50x64.png", 32), ("src50x64.png", 100), ("src37x23.png", 16), ("src97x75.png", 41)]:
        for iname, interp in interps.items():
            out = T.Resize(size, interpolation=T.InterpolationMode(iname))(srcs[src])
            n = f"tvresize_{src[:-4]}_{size}_{iname}.rgb"
            manifest["resize"].append({"source": src, "mode": "short", "size": size, "interpolation": iname, **write_rgb(n, out)})
    # F.resized_crop: crop then resize
    for (i, j, h, w, s) in [(3, 5, 40, 30, 24), (0, 0, 64, 50, 50), (10, 7, 20, 33, 61), (1, 2, 17, 17, 17)]:
        for iname in interps:
            out = F.resized_crop(srcs["src50x64.png"], i, j, h, w, [s, s], interpolation=T.InterpolationMode(iname))
            n = f"rcrop_{i}_{j}_{h}_{w}_{s}_{iname}.rgb"
            manifest["resized_crop"].append({"source": "src50x64.png", "i": i, "j": j, "h": h, "w": w, "size": s,
                                             "interpolation": iname, **write_rgb(n, out)})
    for (cw, ch) in [(20, 10), (21, 11), (36, 22), (40, 30), (37, 10), (45, 23), (1, 1)]:
        out = T.CenterCrop((ch, cw))(srcs["src37x23.png"])
        n = f"ccrop_{cw}x{ch}.rgb"
        manifest["center_crop"].append({"source": "src37x23.png", "cw": cw, "ch": ch, **write_rgb(n, out)})
    # Full preset to a normalised float tensor.
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    for src, resize, crop, iname in [("src97x75.png", 72, 64, "bilinear"), ("src97x75.png", 80, 64, "bicubic"),
                                     ("src37x23.png", 64, 56, "bilinear"), ("src50x64.png", 48, 48, "bicubic")]:
        tf = T.Compose([T.Resize(resize, interpolation=T.InterpolationMode(iname)), T.CenterCrop(crop),
                        T.ToTensor(), T.Normalize(mean, std)])
        t = tf(Image.open(os.path.join(OUT, src)).convert("RGB"))
        n = f"preset_{src[:-4]}_{resize}_{crop}_{iname}.f32"
        t.numpy().astype("<f4").tofile(os.path.join(OUT, n))
        manifest["preset"].append({"source": src, "resize": resize, "crop": crop, "interpolation": iname,
                                   "mean": mean, "std": std, "expected": n, "shape": list(t.shape)})
    # The real ImageNet preset sizes (uint8 after resize 256 + centre crop 224): a 500x375
    # photo-like JPEG (downscale) and the small PNG (upscale).
    big = Image.fromarray(smooth(500, 375, 3, 41).astype(np.uint8), "RGB")
    big.save(os.path.join(OUT, "photo500x375.jpg"), quality=85)
    for src, iname in [("photo500x375.jpg", "bilinear"), ("src97x75.png", "bicubic")]:
        img = Image.open(os.path.join(OUT, src)).convert("RGB")
        out = T.CenterCrop(224)(T.Resize(256, interpolation=T.InterpolationMode(iname))(img))
        n = f"preset8_{src.split('.')[0]}_256_224_{iname}.rgb"
        manifest["preset_u8"].append({"source": src, "resize": 256, "crop": 224, "interpolation": iname,
                                      **write_rgb(n, out)})
    # ColorJitter pieces with fixed factors.
    src = srcs["src37x23.png"]
    for fn, factors in [("brightness", [0.0, 0.37, 1.0, 1.61]), ("contrast", [0.0, 0.52, 1.43]),
                        ("saturation", [0.0, 0.66, 1.9]), ("hue", [-0.5, -0.21, -0.05, 0.0, 0.1, 0.37, 0.5])]:
        for f in factors:
            out = getattr(F, "adjust_" + fn)(src, f)
            n = f"jitter_{fn}_{f}.rgb"
            manifest["jitter"].append({"source": "src37x23.png", "fn": fn, "factor": f, **write_rgb(n, out)})


def rrc_stats():
    torch.manual_seed(0)
    for (w, h) in [(500, 375), (500, 100)]:
        img = Image.new("RGB", (w, h))
        n = 20000
        area, logar, top, left = [], [], [], []
        for _ in range(n):
            i, j, hh, ww = T.RandomResizedCrop.get_params(img, [0.08, 1.0], [3 / 4, 4 / 3])
            area.append(hh * ww / (w * h))
            logar.append(math.log(ww / hh))
            top.append(i / max(1, h - hh) if h > hh else 0.5)
            left.append(j / max(1, w - ww) if w > ww else 0.5)
        qs = [k / 100 for k in range(1, 100)]
        manifest["rrc_stats"].append({"width": w, "height": h, "samples": n, "quantile_levels": qs,
                                      "area_fraction": np.quantile(area, qs).tolist(),
                                      "log_aspect": np.quantile(logar, qs).tolist(),
                                      "top_relative": np.quantile(top, qs).tolist(),
                                      "left_relative": np.quantile(left, qs).tolist(),
                                      "mean_area_fraction": float(np.mean(area))})


png_cases()
other_format_cases()
transform_cases()
rrc_stats()
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print("cases:", {k: len(v) for k, v in manifest.items()})
