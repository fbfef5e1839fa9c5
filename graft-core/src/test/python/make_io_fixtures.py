#!/usr/bin/python3
"""Writes the fixtures of dev.graft.io tests with Debian's PyTorch (1.13).

Outputs, under src/test/resources/fixtures/io/:
  state.pth          torch.save zip format of a small state dict (module state_dict with
                     _metadata, several dtypes, a view sharing storage, a transposed and a
                     strided tensor, a scalar int64 num_batches_tracked, an empty tensor)
  state_legacy.pth   the same dict with _use_new_zipfile_serialization=False
  state_protocol4.pth  the same dict pickled with protocol 4 (FRAME, MEMOIZE, SHORT_BINUNICODE)
  checkpoint.pth     a training checkpoint: nested dicts, lists, tuples, floats, strings
  unsupported.pth    a dict holding a collections.Counter (a global Graft must not run)
  hand.safetensors   a safetensors file written byte by byte per the spec
  absurd.pth, absurd_legacy.pth
                     hand-made torch files whose storage claims 2**40 floats (must be
                     rejected without allocating)
  view_legacy.pth    a hand-made legacy file whose tensor sits in a storage view
  expected.json      for every tensor: dtype, shape and the hex of its contiguous bytes
Run: /usr/bin/python3 src/test/python/make_io_fixtures.py
"""
import collections
import json
import io
import os
import pickle
import struct
import zipfile

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "io")
SAME_SIZE_INT = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}


def raw_hex(t):
    """Little-endian bytes of t.contiguous(), whatever its dtype (numpy lacks bfloat16)."""
    c = t.contiguous()
    return c.view(SAME_SIZE_INT[c.element_size()]).numpy().tobytes().hex()


def describe(sd):
    return {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape), "hex": raw_hex(v)}
            for k, v in sd.items()}


def state_dict():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 2), torch.nn.BatchNorm2d(4))
    model.train()
    model(torch.randn(2, 3, 5, 5))  # non-trivial running stats, num_batches_tracked = 1
    sd = model.state_dict()  # an OrderedDict carrying _metadata
    base = torch.arange(12, dtype=torch.float32) * 0.5 - 1.0
    sd["shared.base"] = base
    sd["shared.view"] = base[3:9].view(2, 3)  # same storage, offset 3
    sd["transposed"] = torch.randn(3, 4).t()  # strides (1, 4)
    sd["strided"] = torch.randn(4, 6)[::2, 1::2]  # offset 1, strides (12, 2)
    sd["permuted"] = torch.randn(2, 3, 4).permute(2, 0, 1)  # 3-d, strides (1, 12, 4)
    sd["expanded"] = torch.randn(3, 1).expand(3, 4)  # stride 0: one storage element read four times
    sd["half"] = torch.randn(5).half()
    sd["bf16"] = torch.randn(2, 3).bfloat16()
    sd["double"] = torch.randn(2, 2, dtype=torch.float64)
    sd["long"] = torch.tensor([2 ** 40, -5, 0], dtype=torch.int64)
    sd["int32"] = torch.tensor([[1, -2], [3, 2 ** 30]], dtype=torch.int32)
    sd["uint8"] = torch.tensor([0, 7, 255], dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, True])
    sd["empty"] = torch.zeros(0, 3)
    sd["scalar"] = torch.tensor(3.25)
    return sd


def safetensors_by_hand(path, tensors, metadata):
    """Spec: u64 LE header size, JSON header, data; offsets relative to the data start."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = bytes.fromhex(raw_hex(t))
        dtype = {"float32": "F32", "float16": "F16", "bfloat16": "BF16", "int64": "I64", "float64": "F64",
                 "uint8": "U8", "bool": "BOOL", "int32": "I32"}[str(t.dtype).replace("torch.", "")]
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * (-len(js) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)) + js + b"".join(blobs))


class _Storage:
    pass


class _Tensor:
    """Pickles as a _rebuild_tensor_v2 call on a storage that claims 2**40 elements."""
    def __reduce__(self):
        return torch._utils._rebuild_tensor_v2, (_Storage(), 0, (2,), (1,), False, collections.OrderedDict())


class _LyingPickler(pickle.Pickler):
    def __init__(self, f, legacy):
        super().__init__(f, protocol=2)
        self.legacy = legacy

    def persistent_id(self, obj):
        if isinstance(obj, _Storage):
            pid = ("storage", torch.FloatStorage, "0", "cpu", 2 ** 40)
            return pid + (None,) if self.legacy else pid
        return None


def absurd_files():
    def pkl(obj, legacy):
        buf = io.BytesIO()
        _LyingPickler(buf, legacy).dump(obj)
        return buf.getvalue()

    sd = collections.OrderedDict(w=_Tensor())
    with zipfile.ZipFile(os.path.join(OUT, "absurd.pth"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("absurd/data.pkl", pkl(sd, False))
        z.writestr("absurd/data/0", struct.pack("<2f", 1.0, 2.0))
        z.writestr("absurd/version", "3\n")
    with open(os.path.join(OUT, "absurd_legacy.pth"), "wb") as f:
        for obj in (0x1950a86a20f9469cfc6c, 1001, {"protocol_version": 1001, "little_endian": True}):
            pickle.dump(obj, f, protocol=2)
        f.write(pkl(sd, True))
        pickle.dump(["0"], f, protocol=2)
        f.write(struct.pack("<q", 2 ** 40) + struct.pack("<2f", 1.0, 2.0))


class _ViewStorage:
    pass


class _ViewTensor:
    """Pickles as torch 0.x did a tensor on a storage view: offset 1 into a 3-element view at 2."""
    def __reduce__(self):
        return torch._utils._rebuild_tensor, (_ViewStorage(), 1, (2,), (1,))


class _ViewPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, _ViewStorage):
            return "storage", torch.FloatStorage, "0", "cpu", 6, ("v", 2, 3)
        return None


def legacy_view_file(path):
    """A legacy file whose tensor lives in a storage view (view_metadata), as pre-1.0 torch wrote."""
    with open(path, "wb") as f:
        for obj in (0x1950a86a20f9469cfc6c, 1001, {"protocol_version": 1001, "little_endian": True}):
            pickle.dump(obj, f, protocol=2)
        _ViewPickler(f, protocol=2).dump(collections.OrderedDict(w=_ViewTensor()))
        pickle.dump(["0"], f, protocol=2)
        f.write(struct.pack("<q", 6) + struct.pack("<6f", 0.5, 1.5, 2.5, 3.5, 4.5, 5.5))
    return torch.load(path)


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = state_dict()
    torch.save(sd, os.path.join(OUT, "state.pth"))
    torch.save(sd, os.path.join(OUT, "state_legacy.pth"), _use_new_zipfile_serialization=False)
    torch.save(sd, os.path.join(OUT, "state_protocol4.pth"), pickle_protocol=4)

    small = collections.OrderedDict(w=torch.tensor([[1.5, -2.0]]), n=torch.tensor(4))
    checkpoint = {
        "epoch": 3,
        "state_dict": small,
        "optimizer": {"state": {0: {"momentum_buffer": torch.tensor([[0.25, 0.5]])}},
                      "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "params": [0], "nesterov": False}]},
        "best_acc": 0.875,
        "arch": "resnet18",
        "note": None,
        "big": 2 ** 40,
        "negative": -7,
    }
    torch.save(checkpoint, os.path.join(OUT, "checkpoint.pth"))
    torch.save({"w": torch.ones(2), "counts": collections.Counter(a=1)}, os.path.join(OUT, "unsupported.pth"))

    absurd_files()

    torch.manual_seed(1)
    st = collections.OrderedDict()
    st["a.weight"] = torch.randn(2, 3)
    st["a.half"] = torch.randn(4).half()
    st["a.bf16"] = torch.randn(3).bfloat16()
    st["b.count"] = torch.tensor(9, dtype=torch.int64)
    st["b.double"] = torch.randn(2, dtype=torch.float64)
    st["c.u8"] = torch.tensor([1, 2, 250], dtype=torch.uint8)
    st["c.mask"] = torch.tensor([False, True])
    st["c.i32"] = torch.tensor([-1, 5], dtype=torch.int32)
    safetensors_by_hand(os.path.join(OUT, "hand.safetensors"), st, {"format": "pt", "source": "make_io_fixtures"})

    view = legacy_view_file(os.path.join(OUT, "view_legacy.pth"))
    assert view["w"].tolist() == [3.5, 4.5], view  # torch's own reading of the view

    expected = {"state": describe(sd), "view_legacy": describe(view), "checkpoint_state_dict": describe(small), "safetensors": describe(st),
                "safetensors_metadata": {"format": "pt", "source": "make_io_fixtures"}}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
