#!/usr/bin/env python3
"""Writes Tests/TensorTests/Fixtures/reference.safetensors with the official `safetensors` library.

Tests/TensorTests/SafeTensorsTests.swift reads the file and checks every tensor's dtype, shape and
values and the metadata, so the Swift reader is tested against the reference writer. Only needed
to regenerate the file:

    /tmp/torch/bin/pip install safetensors
    /tmp/torch/bin/python Scripts/reference/make_safetensors_fixture.py

The values are spelled out here and again in the Swift test. F16 and BF16 tensors are made by
converting float32 tensors (torch rounds to nearest even), so the Swift writer's rounding of the
same float32 values can be compared with torch's. The library keeps the metadata in a hash map,
so the order of the metadata keys in the header (and so the file's bytes, not its content) can
differ between runs.
"""
import os

import torch
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "TensorTests", "Fixtures", "reference.safetensors")

f32 = torch.float32
tensors = {
    "weight": torch.tensor([[1.0, -2.5, 3.25], [0.0, 0.001, -7.0]], dtype=f32),
    "bias": torch.tensor([0.5, -0.25, 100.0], dtype=f32),
    # Exactly representable in F16: max, smallest normal, smallest subnormal, negative zero.
    "half": torch.tensor([[0.5, -1.5, 65504.0], [2.0 ** -14, 2.0 ** -24, -0.0]], dtype=f32).to(torch.float16),
    # Rounded from float32 by torch.
    "half_rounded": torch.tensor([0.1, 1.0 / 3.0, 1e-4, 70000.0], dtype=f32).to(torch.float16),
    "bf16": torch.tensor([0.1, 1.0 / 3.0, -2.0, 1e-4], dtype=f32).to(torch.bfloat16),
    "double": torch.tensor([0.1, -2.5], dtype=torch.float64),
    "scalar": torch.tensor(42.0, dtype=f32),
    "empty": torch.zeros(0, 3, dtype=f32),
    "stack.3d": torch.arange(8, dtype=f32).reshape(2, 2, 2),
}
metadata = {"format": "pt", "source": "nlp reference fixture", "unicode": "h\u00e9llo \u2713"}

save_file(tensors, OUT, metadata=metadata)
print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")
