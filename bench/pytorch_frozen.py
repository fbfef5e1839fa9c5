#!/usr/bin/env python3
"""The PyTorch side of frozen-backbone training in bench/compare-pytorch.sh: the seeds'
feature-extraction loop (torchvision model, every parameter frozen, new nn.Linear head for 10
classes, SGD lr 0.001 momentum 0.9, StepLR(7, 0.1), a train and a val phase per epoch, the best
weights deep-copied), which runs the frozen backbone on every image in every epoch. Same
synthetic set as `graft bench --mode frozen`: SAMPLES random images, 80% train / 20% val.
Prints one JSON object; images_per_second = epochs * samples / seconds.
"""
import argparse
import copy
import json
import resource
import time

import torch
import torchvision

p = argparse.ArgumentParser()
p.add_argument("--arch", default="resnet18")
p.add_argument("--samples", type=int, default=200)
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--batch-size", type=int, default=16)
p.add_argument("--image-size", type=int, default=224)
p.add_argument("--threads", type=int, default=0)
a = p.parse_args()
if a.threads > 0:
    torch.set_num_threads(a.threads)
torch.manual_seed(0)

val_n = a.samples // 5
train_n = a.samples - val_n
data = {"train": (torch.rand(train_n, 3, a.image_size, a.image_size) * 2 - 1, torch.arange(train_n) % 10),
        "val": (torch.rand(val_n, 3, a.image_size, a.image_size) * 2 - 1, torch.arange(val_n) % 10)}

model = getattr(torchvision.models, a.arch)()
for param in model.parameters():
    param.requires_grad = False
model.fc = torch.nn.Linear(model.fc.in_features, 10)
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.fc.parameters(), lr=0.001, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=7, gamma=0.1)

start = time.perf_counter()
best_acc, best_wts, acc = 0.0, copy.deepcopy(model.state_dict()), 0.0
for epoch in range(a.epochs):
    for phase in ["train", "val"]:
        model.train(phase == "train")
        xs, ys = data[phase]
        order = torch.randperm(len(ys)) if phase == "train" else torch.arange(len(ys))
        running_loss, running_corrects = 0.0, 0
        for i in range(0, len(ys), a.batch_size):
            idx = order[i:i + a.batch_size]
            inputs, labels = xs[idx], ys[idx]
            optimizer.zero_grad()
            with torch.set_grad_enabled(phase == "train"):
                outputs = model(inputs)
                _, preds = torch.max(outputs, 1)
                loss = criterion(outputs, labels)
                if phase == "train":
                    loss.backward()
                    optimizer.step()
            running_loss += loss.item() * inputs.size(0)
            running_corrects += torch.sum(preds == labels.data).item()
        if phase == "train":
            scheduler.step()
        acc = running_corrects / len(ys)
        if phase == "val" and acc > best_acc:
            best_acc, best_wts = acc, copy.deepcopy(model.state_dict())
model.load_state_dict(best_wts)
secs = time.perf_counter() - start
print(json.dumps({"arch": a.arch, "mode": "frozen", "samples": a.samples, "epochs": a.epochs,
                  "threads": torch.get_num_threads(), "seconds": secs,
                  "images_per_second": a.epochs * a.samples / secs, "final_val_accuracy": acc,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
