#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for the Seq2Seq recurrent layers.

Run from the package root:

    /tmp/torch/bin/python Scripts/reference/make_rnn_fixtures.py

Writes one JSON file per case into Tests/Seq2SeqTests/Fixtures/<name>.json.
See Scripts/reference/README.md for the layout and conventions. The output is
deterministic for a given PyTorch version (fixed seeds, float32, one thread).
"""

import json
import os
import sys

import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT_DIR = os.path.join("Tests", "Seq2SeqTests", "Fixtures")
BASE_SEED = 20240601

CELLS = ["rnn_tanh", "rnn_relu", "lstm", "gru"]

# (suffix, num_layers, bidirectional, batch, max_len, lengths, input_size, hidden_size)
SHAPES = [
    ("l1_uni", 1, False, 3, 5, [5, 5, 5], 4, 3),
    ("l2_bi_varlen", 2, True, 3, 6, [6, 3, 5], 4, 3),
    ("l1_bi_varlen", 1, True, 4, 4, [2, 4, 1, 3], 3, 5),
]

# Minimum fraction of non-zero entries among the valid (unpadded) outputs for ReLU cases.
MIN_RELU_ACTIVE = 0.3
MAX_RESEEDS = 50


def make_module(cell, d, h, layers, bidir):
    common = dict(input_size=d, hidden_size=h, num_layers=layers, bias=True,
                  batch_first=False, dropout=0.0, bidirectional=bidir)
    if cell == "rnn_tanh":
        return torch.nn.RNN(nonlinearity="tanh", **common)
    if cell == "rnn_relu":
        return torch.nn.RNN(nonlinearity="relu", **common)
    if cell == "lstm":
        return torch.nn.LSTM(**common)
    if cell == "gru":
        return torch.nn.GRU(**common)
    raise ValueError(cell)


def tensor_json(t):
    a = t.detach().cpu().contiguous().numpy()
    assert a.dtype == np.float32, a.dtype
    # .tolist() gives Python floats holding the exact float32 values; json writes
    # their shortest float64 repr, which parses back to the identical float32.
    return {"shape": list(a.shape), "data": a.reshape(-1).tolist()}


def valid_mask(lengths, t_max, b):
    m = torch.zeros(t_max, b, dtype=torch.bool)
    for j, n in enumerate(lengths):
        m[:n, j] = True
    return m


def run_case(cell, suffix, layers, bidir, b, t_max, lengths, d, h, seed):
    torch.manual_seed(seed)
    dirs = 2 if bidir else 1
    mod = make_module(cell, d, h, layers, bidir).float()
    is_lstm = cell == "lstm"

    mask = valid_mask(lengths, t_max, b)
    x = torch.randn(t_max, b, d) * mask.unsqueeze(-1).float()
    x.requires_grad_(True)
    h0 = (torch.randn(layers * dirs, b, h) * 0.5).requires_grad_(True)
    c0 = (torch.randn(layers * dirs, b, h) * 0.5).requires_grad_(True) if is_lstm else None

    g_out = torch.randn(t_max, b, dirs * h)
    g_h = torch.randn(layers * dirs, b, h)
    g_c = torch.randn(layers * dirs, b, h) if is_lstm else None

    lens = torch.tensor(lengths, dtype=torch.int64)
    packed = pack_padded_sequence(x, lens, batch_first=False, enforce_sorted=False)
    if is_lstm:
        packed_out, (h_n, c_n) = mod(packed, (h0, c0))
    else:
        packed_out, h_n = mod(packed, h0)
        c_n = None
    out, out_lens = pad_packed_sequence(packed_out, batch_first=False, total_length=t_max)
    assert out_lens.tolist() == lengths

    loss = (out * g_out).sum() + (h_n * g_h).sum()
    if is_lstm:
        loss = loss + (c_n * g_c).sum()
    loss.backward()

    return dict(mod=mod, x=x, h0=h0, c0=c0, g_out=g_out, g_h=g_h, g_c=g_c,
                out=out, h_n=h_n, c_n=c_n, loss=loss, mask=mask)


def acceptable(cell, r):
    """Reject seeds with dead units: every input-weight row must get a gradient, and for
    ReLU a reasonable fraction of the valid outputs must be non-zero."""
    for name, p in r["mod"].named_parameters():
        if name.startswith("weight_ih") and bool((p.grad.abs().sum(dim=1) == 0).any()):
            return False
    if cell == "rnn_relu":
        valid = r["out"].detach()[r["mask"]]
        if float((valid != 0).float().mean()) < MIN_RELU_ACTIVE:
            return False
        hn = r["h_n"].detach()
        if float((hn != 0).float().mean()) < MIN_RELU_ACTIVE:
            return False
    return True


def build(cell, suffix, layers, bidir, b, t_max, lengths, d, h, case_index):
    name = f"{cell}_{suffix}"
    seed = BASE_SEED + 1000 * case_index
    for attempt in range(MAX_RESEEDS):
        r = run_case(cell, suffix, layers, bidir, b, t_max, lengths, d, h, seed)
        if acceptable(cell, r):
            break
        print(f"  {name}: seed {seed} rejected (dead units), reseeding", file=sys.stderr)
        seed += 1
    else:
        raise RuntimeError(f"{name}: no acceptable seed")

    mod = r["mod"]
    doc = {
        "name": name,
        "cell": cell,
        "input_size": d,
        "hidden_size": h,
        "num_layers": layers,
        "bidirectional": bidir,
        "batch": b,
        "max_len": t_max,
        "lengths": list(lengths),
        "torch_version": torch.__version__,
        "seed": seed,
        "input": tensor_json(r["x"]),
        "h0": tensor_json(r["h0"]),
    }
    if r["c0"] is not None:
        doc["c0"] = tensor_json(r["c0"])
    doc["weights"] = {n: tensor_json(p) for n, p in mod.named_parameters()}
    doc["grad_output"] = tensor_json(r["g_out"])
    doc["grad_h_n"] = tensor_json(r["g_h"])
    if r["g_c"] is not None:
        doc["grad_c_n"] = tensor_json(r["g_c"])
    doc["output"] = tensor_json(r["out"])
    doc["h_n"] = tensor_json(r["h_n"])
    if r["c_n"] is not None:
        doc["c_n"] = tensor_json(r["c_n"])
    doc["loss"] = float(r["loss"].item())
    grads = {"input": tensor_json(r["x"].grad), "h0": tensor_json(r["h0"].grad)}
    if r["c0"] is not None:
        grads["c0"] = tensor_json(r["c0"].grad)
    for n, p in mod.named_parameters():
        grads[n] = tensor_json(p.grad)
    doc["grads"] = grads
    return name, doc


def main():
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float32)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT_DIR, exist_ok=True)
    case_index = 0
    for cell in CELLS:
        for shape in SHAPES:
            name, doc = build(cell, *shape, case_index=case_index)
            case_index += 1
            path = os.path.join(OUT_DIR, name + ".json")
            with open(path, "w") as f:
                json.dump(doc, f, indent=1)
                f.write("\n")
            print(f"wrote {path} ({os.path.getsize(path)} bytes, seed {doc['seed']})")


if __name__ == "__main__":
    main()
