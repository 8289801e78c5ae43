#!/usr/bin/env python3
"""Reference values for the optimizers, learning-rate schedules and gradient clipping.

Writes Tests/Seq2SeqTests/Fixtures/optimizers.json, which Tests/Seq2SeqTests/OptimizerTests.swift
compares the Swift implementations against. PyTorch is needed only to regenerate the file:

    /tmp/torch/bin/python Scripts/reference/make_optimizer_fixtures.py

Contents:
- "optimizers": torch.optim.SGD / Adam / AdamW (foreach=False, the single-tensor code path) run on
  one (2, 3) parameter with a fixed sequence of 5 gradients and a per-step learning rate (set
  between steps, as a schedule does), in float32 and in float64: the parameter after every step and
  the optimizer state (PyTorch's state_dict entries) after the last.
- "clipping": torch.nn.utils.clip_grad_norm_ on two gradients, once above and once below max_norm.
- "step_lr", "plateau": learning rates after each scheduler.step() of StepLR and ReduceLROnPlateau.

All inputs are float32-representable, so the float32 and float64 runs start from the same values.
Re-running the script reproduces the file byte for byte with the same PyTorch version.
"""
import json
import os

import torch

torch.manual_seed(0)
torch.set_num_threads(1)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Seq2SeqTests", "Fixtures", "optimizers.json")

SHAPE = [2, 3]
# Inputs rounded to float32 (and exactly representable in it).
INITIAL = [float(x) for x in torch.tensor([0.5, -1.25, 2.0, 0.3, -0.7, 1.5], dtype=torch.float32)]
GRADIENTS = [
    [float(x) for x in (torch.randn(6) * scale).to(torch.float32)]
    for scale in (1.0, 0.5, 2.0, 0.1, 1.0)
]

OPTIMIZERS = [
    dict(name="sgd", kind="sgd", lrs=[0.1] * 5, momentum=0.0, nesterov=False, weight_decay=0.0),
    dict(name="sgd_weight_decay", kind="sgd", lrs=[0.1] * 5, momentum=0.0, nesterov=False, weight_decay=0.05),
    dict(name="sgd_momentum", kind="sgd", lrs=[0.1] * 5, momentum=0.9, nesterov=False, weight_decay=0.0),
    dict(name="sgd_nesterov", kind="sgd", lrs=[0.1] * 5, momentum=0.9, nesterov=True, weight_decay=0.0),
    dict(name="sgd_momentum_weight_decay_lr_change", kind="sgd", lrs=[0.1, 0.1, 0.05, 0.05, 0.02],
         momentum=0.9, nesterov=False, weight_decay=0.01),
    dict(name="sgd_nesterov_weight_decay", kind="sgd", lrs=[0.05] * 5, momentum=0.9, nesterov=True,
         weight_decay=0.1),
    dict(name="adam", kind="adam", lrs=[0.01] * 5, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.0),
    dict(name="adam_weight_decay_lr_change", kind="adam", lrs=[0.05, 0.05, 0.02, 0.01, 0.01],
         betas=[0.8, 0.99], eps=1e-6, weight_decay=0.1),
    dict(name="adamw", kind="adamw", lrs=[0.01] * 5, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.01),
    dict(name="adamw_strong_decay_lr_change", kind="adamw", lrs=[0.05, 0.04, 0.03, 0.02, 0.01],
         betas=[0.85, 0.95], eps=1e-7, weight_decay=0.5),
]


def make_optimizer(case, param):
    lr = case["lrs"][0]
    if case["kind"] == "sgd":
        return torch.optim.SGD([param], lr=lr, momentum=case["momentum"], nesterov=case["nesterov"],
                               weight_decay=case["weight_decay"], dampening=0.0, foreach=False)
    cls = torch.optim.Adam if case["kind"] == "adam" else torch.optim.AdamW
    return cls([param], lr=lr, betas=tuple(case["betas"]), eps=case["eps"],
               weight_decay=case["weight_decay"], amsgrad=False, foreach=False)


def run_optimizer(case, dtype):
    param = torch.nn.Parameter(torch.tensor(INITIAL, dtype=dtype).reshape(SHAPE))
    optimizer = make_optimizer(case, param)
    params = []
    for lr, grad in zip(case["lrs"], GRADIENTS):
        for group in optimizer.param_groups:
            group["lr"] = lr
        param.grad = torch.tensor(grad, dtype=dtype).reshape(SHAPE)
        optimizer.step()
        params.append([float(x) for x in param.detach().reshape(-1)])
    state = {}
    for key, value in optimizer.state[param].items():
        if value is None:
            continue
        state[key] = [float(x) for x in value.reshape(-1)]
    return dict(params=params, state=state)


def clipping_cases():
    cases = []
    for max_norm in (1.0, 100.0):
        a = torch.nn.Parameter(torch.zeros(2, 3))
        b = torch.nn.Parameter(torch.zeros(4))
        a.grad = torch.tensor(GRADIENTS[0], dtype=torch.float32).reshape(2, 3) * 3
        b.grad = torch.tensor(GRADIENTS[2][:4], dtype=torch.float32)
        grads = {"a": [float(x) for x in a.grad.reshape(-1)], "b": [float(x) for x in b.grad]}
        total = torch.nn.utils.clip_grad_norm_([a, b], max_norm=max_norm, norm_type=2.0, foreach=False)
        cases.append(dict(max_norm=max_norm, grads=grads, total_norm=float(total),
                          clipped={"a": [float(x) for x in a.grad.reshape(-1)],
                                   "b": [float(x) for x in b.grad]}))
    return cases


def dummy_optimizer(lr):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def step_lr_cases():
    cases = []
    for lr, step_size, gamma, epochs in ((0.1, 3, 0.5, 10), (1.0, 1, 0.9, 6), (0.05, 4, 0.1, 12)):
        optimizer = dummy_optimizer(lr)
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=step_size, gamma=gamma)
        lrs = []
        for _ in range(epochs):
            optimizer.step()
            scheduler.step()
            lrs.append(optimizer.param_groups[0]["lr"])
        cases.append(dict(lr=lr, step_size=step_size, gamma=gamma, epochs=epochs, lrs=lrs))
    return cases


LOSSES = [1.0, 0.9, 0.91, 0.9, 0.8999, 0.95, 0.97, 0.85, 0.86, 0.87, 0.88, 0.849, 0.8495, 0.9, 0.91,
          0.92, 0.93, 0.94, 0.95, 0.96]
SCORES = [10.0, 12.0, 12.5, 12.4, 12.6, 12.65, 12.6, 13.0, 12.9, 12.8, 12.7, 13.05, 13.5, 13.4, 13.3,
          13.2, 13.1, 13.0, 12.9, 12.8]
PLATEAU = [
    dict(lr=0.1, mode="min", factor=0.5, patience=2, threshold=1e-3, threshold_mode="rel", cooldown=0,
         min_lr=0.0, eps=1e-8, metrics=LOSSES),
    dict(lr=0.1, mode="min", factor=0.1, patience=1, threshold=1e-4, threshold_mode="rel", cooldown=2,
         min_lr=0.0005, eps=1e-8, metrics=LOSSES),
    dict(lr=1.0, mode="max", factor=0.5, patience=1, threshold=0.01, threshold_mode="rel", cooldown=1,
         min_lr=0.2, eps=1e-8, metrics=SCORES),
    dict(lr=1.0, mode="max", factor=0.7, patience=0, threshold=0.2, threshold_mode="abs", cooldown=0,
         min_lr=0.0, eps=1e-8, metrics=SCORES),
    dict(lr=1e-7, mode="min", factor=0.5, patience=0, threshold=0.0, threshold_mode="abs", cooldown=0,
         min_lr=0.0, eps=1e-7, metrics=LOSSES[:6]),
]


def plateau_cases():
    cases = []
    for case in PLATEAU:
        optimizer = dummy_optimizer(case["lr"])
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, mode=case["mode"], factor=case["factor"], patience=case["patience"],
            threshold=case["threshold"], threshold_mode=case["threshold_mode"],
            cooldown=case["cooldown"], min_lr=case["min_lr"], eps=case["eps"])
        lrs = []
        for metric in case["metrics"]:
            optimizer.step()
            scheduler.step(metric)
            lrs.append(optimizer.param_groups[0]["lr"])
        cases.append(dict(case, lrs=lrs))
    return cases


def main():
    optimizers = []
    for case in OPTIMIZERS:
        optimizers.append(dict(case, float32=run_optimizer(case, torch.float32),
                               float64=run_optimizer(case, torch.float64)))
    fixture = dict(
        torch_version=torch.__version__.split("+")[0],
        shape=SHAPE,
        initial=INITIAL,
        gradients=GRADIENTS,
        optimizers=optimizers,
        clipping=clipping_cases(),
        step_lr=step_lr_cases(),
        plateau=plateau_cases(),
    )
    with open(OUT, "w") as f:
        json.dump(fixture, f)
        f.write("\n")
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
