#!/usr/bin/env python3
"""Checks that a safetensors file written by the Swift code loads with the official library.

The Swift test SafeTensorsTests.testRewriteReferenceFile reads the reference fixture and writes it
again with the Swift writer, to $NLP_SAFETENSORS_EXPORT when that variable is set:

    NLP_SAFETENSORS_EXPORT=/tmp/swift.safetensors \
        swift test --filter SafeTensorsTests.testRewriteReferenceFile
    /tmp/torch/bin/python Scripts/reference/check_swift_safetensors.py /tmp/swift.safetensors

This script loads that file with safetensors.torch.load_file / safe_open and compares it with the
reference fixture: same names, dtypes, shapes, metadata, and bit-identical values (F64 values
equal after rounding to float32, since the Swift side holds Float).
"""
import os
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REFERENCE = os.path.join(ROOT, "Tests", "TensorTests", "Fixtures", "reference.safetensors")


def metadata(path):
    with safe_open(path, framework="pt") as f:
        return f.metadata()


def main(path):
    ours, reference = load_file(path), load_file(REFERENCE)
    assert sorted(ours) == sorted(reference), (sorted(ours), sorted(reference))
    for name, expected in reference.items():
        actual = ours[name]
        assert actual.dtype == expected.dtype, (name, actual.dtype, expected.dtype)
        assert actual.shape == expected.shape, (name, actual.shape, expected.shape)
        if expected.dtype == torch.float64:
            equal = torch.equal(actual.float(), expected.float())
        else:
            equal = torch.equal(actual.view(-1).view(torch.uint8) if actual.numel() else actual,
                                expected.view(-1).view(torch.uint8) if expected.numel() else expected)
        assert equal, (name, actual, expected)
        print(f"ok {name:14s} {str(actual.dtype):16s} {list(actual.shape)}")
    assert metadata(path) == metadata(REFERENCE), (metadata(path), metadata(REFERENCE))
    print(f"ok metadata {metadata(path)}")
    print(f"{path}: loads with safetensors and matches the reference fixture")


if __name__ == "__main__":
    main(sys.argv[1])
