#!/usr/bin/python3
"""torchvision's side of the data benchmark: ImageFolder + DataLoader (PIL decode,
RandomResizedCrop + RandomHorizontalFlip + ToTensor + Normalize) on a folder of class folders,
with the same worker count, batch size and timing rules as dev.graft.data.DataBench: a warm-up
of min(3 s, seconds/3) not counted, then whole batches counted until the time is up.
Prints {"images_per_second": X, "images_per_cpu_second": Y, ...}; CPU time is the main process's
plus the worker processes' (from /proc), the per-core figure that stays meaningful on a busy machine.
Usage: data-vs-torchvision.py DIR [--image-size 224] [--workers N] [--seconds 20] [--batch-size 32]
"""
import argparse
import json
import os
import time


def cpu_seconds(loader):
    """CPU time of this process and of the DataLoader's worker processes, in seconds."""
    total = time.process_time()
    it = getattr(loader, "_iterator", None)
    tick = os.sysconf("SC_CLK_TCK")
    for w in getattr(it, "_workers", []) or []:
        try:
            with open(f"/proc/{w.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except OSError:
            pass
    return total

import resource

import torch
from torchvision import datasets, transforms


def max_worker_rss_kb(loader):
    """Peak RSS (VmHWM) of the largest live DataLoader worker, in kB."""
    it = getattr(loader, "_iterator", None)
    peak = 0
    for w in getattr(it, "_workers", []) or []:
        try:
            with open(f"/proc/{w.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    return peak


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--image-size", type=int, default=224)
    p.add_argument("--workers", type=int, default=os.cpu_count())
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--batch-size", type=int, default=32)
    a = p.parse_args()
    tf = transforms.Compose([
        transforms.RandomResizedCrop(a.image_size),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ])
    ds = datasets.ImageFolder(a.dir, transform=tf)
    torch.manual_seed(0)
    loader = torch.utils.data.DataLoader(ds, batch_size=a.batch_size, shuffle=True, num_workers=a.workers,
                                         persistent_workers=a.workers > 0)
    warmup = min(3.0, a.seconds / 3)
    start = time.perf_counter()
    measure_from, end = start + warmup, start + warmup + a.seconds
    measuring, t0, cpu0, images = False, 0.0, 0.0, 0
    while True:
        for x, _ in loader:
            now = time.perf_counter()
            if not measuring and now >= measure_from:
                measuring, t0, cpu0 = True, now, cpu_seconds(loader)
            elif measuring:
                images += x.shape[0]
                if now >= end:
                    s, cpu = now - t0, cpu_seconds(loader) - cpu0
                    print(json.dumps({"images_per_second": round(images / s, 1),
                                      "images_per_cpu_second": round(images / cpu, 1), "images": images,
                                      "seconds": round(s, 3), "cpu_seconds": round(cpu, 3),
                                      "workers": a.workers, "image_size": a.image_size,
                                      "batch_size": a.batch_size, "torch": torch.__version__,
                                      # main process plus the largest worker seen so far
                                      "peak_rss_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                                      + max_worker_rss_kb(loader)) // 1024}))
                    return


if __name__ == "__main__":
    main()
