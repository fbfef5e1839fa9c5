"""Drops the model.* tensors of a Graft checkpoint (safetensors), keeping the optimizer state
and the metadata, so a run directory written by an older Graft can be kept as a small test
fixture (ResumeCompatibilityTest puts freshly initialised model weights back in).

Made fixtures/train/legacy-run from a run of Graft at commit 3ab0187:
  bin/graft train DATA --weights none --strategy head --epochs 1 --image-size 32 --batch-size 4 \
      --schedule onecycle --optimizer adamw --head mlp:8:dropout=0.1 --bn eval --seed 3 --workers 1
(DATA: 3 classes x 4 PNGs of 40x40), then run.json's recipe.epochs set to 2 so there is an
epoch left to resume.

usage: strip_checkpoint_model.py IN OUT
"""
import json
import struct
import sys


def main(src, dst):
    with open(src, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out_header, chunks, offset = {}, [], 0
    for key, v in header.items():
        if key == "__metadata__" or key.startswith("model."):
            continue
        start, end = v["data_offsets"]
        chunks.append(data[start:end])
        out_header[key] = dict(v, data_offsets=[offset, offset + end - start])
        offset += end - start
    out_header["__metadata__"] = header["__metadata__"]
    h = json.dumps(out_header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(dst, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(chunks))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
