#!/usr/bin/python3
"""Reference values for the library's recurrent layers, computed with PyTorch in float64.

Run with Debian's python3-torch (`/usr/bin/python3 lib/scripts/make_torch_fixtures.py`); it writes
lib/src/test/resources/rnnkit/fixtures/torch_recurrent.json, which the Java tests read (CI never needs torch).

For each layer: random weights and inputs (seeded), the outputs of a forward pass over T steps, and the gradients
of L = sum(out * dout) + sum(h_T * dh_T) [+ sum(c_T * dc_T)] for random upstream gradients dout, dh_T, dc_T.
Matrices are stored as lists of rows in the library's conventions: sequences time-major, (T*B) x D, row t*B + b;
weights transposed from PyTorch's (out x in) to the library's (in x out); PyTorch's two biases summed where the
library has one (RNN, LSTM), both kept for the GRU.
"""
import json
import os

import torch

from fixtures import rows

torch.set_default_dtype(torch.float64)
T, B, D, H = 5, 3, 4, 6


def case(kind, module, seed):
    torch.manual_seed(seed)
    for p in module.parameters():
        torch.nn.init.uniform_(p, -0.5, 0.5)
    x = torch.randn(T, B, D, requires_grad=True)
    h0 = (0.5 * torch.randn(1, B, H)).requires_grad_()
    if kind == "lstm":
        c0 = (0.5 * torch.randn(1, B, H)).requires_grad_()
        out, (hT, cT) = module(x, (h0, c0))
    else:
        out, hT = module(x, h0)
    dout = torch.randn(T, B, H)
    dhT = torch.randn(1, B, H)
    loss = (out * dout).sum() + (hT * dhT).sum()
    if kind == "lstm":
        dcT = torch.randn(1, B, H)
        loss = loss + (cT * dcT).sum()
    loss.backward()

    w_ih, w_hh = module.weight_ih_l0, module.weight_hh_l0
    b_ih, b_hh = module.bias_ih_l0, module.bias_hh_l0
    data = {"T": T, "B": B, "D": D, "H": H, "x": rows(x), "h0": rows(h0[0]), "out": rows(out), "hT": rows(hT[0]),
            "dout": rows(dout), "dhT": rows(dhT[0]), "dx": rows(x.grad), "dh0": rows(h0.grad[0])}
    names = {"rnn": ("Wxh", "Whh", "bh"), "lstm": ("Wxh", "Whh", "bh"), "gru": ("Wxh", "Whh", "bxh")}[kind]
    data[names[0]] = rows(w_ih.t())
    data[names[1]] = rows(w_hh.t())
    data["d" + names[0]] = rows(w_ih.grad.t())
    data["d" + names[1]] = rows(w_hh.grad.t())
    if kind == "gru":
        data["bxh"], data["bhh"] = rows(b_ih), rows(b_hh)
        data["dbxh"], data["dbhh"] = rows(b_ih.grad), rows(b_hh.grad)
    else:
        data[names[2]] = rows(b_ih + b_hh)
        data["d" + names[2]] = rows(b_ih.grad)  # the same as b_hh.grad
    if kind == "lstm":
        data.update({"c0": rows(c0[0]), "cT": rows(cT[0]), "dcT": rows(dcT[0]), "dc0": rows(c0.grad[0])})
    return data


def optimizers():
    """Three updates of each optimizer from the same start with the same gradients, as torch.optim does them."""
    torch.manual_seed(5)
    theta0 = torch.randn(3, 4)
    grads = [torch.randn(3, 4) for _ in range(3)]
    configs = {
        "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
        "sgd_momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
        "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
        "sgd_weight_decay": lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.1),
        "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.1),
        "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01),
        "adam": lambda p: torch.optim.Adam(p, lr=0.01),
        "adam_weight_decay": lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1),
    }
    out = {"theta0": rows(theta0), "grads": [rows(g) for g in grads]}
    for name, make in configs.items():
        theta = theta0.clone().requires_grad_()
        opt = make([theta])
        after = []
        for g in grads:
            theta.grad = g.clone()
            opt.step()
            after.append(rows(theta))
        out[name] = after
    return out


fixtures = {
    "torch_version": torch.__version__,
    "rnn_tanh": case("rnn", torch.nn.RNN(D, H, nonlinearity="tanh"), 1),
    "rnn_relu": case("rnn", torch.nn.RNN(D, H, nonlinearity="relu"), 2),
    "lstm": case("lstm", torch.nn.LSTM(D, H), 3),
    "gru": case("gru", torch.nn.GRU(D, H), 4),
    "optimizers": optimizers(),
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "rnnkit",
                   "fixtures", "torch_recurrent.json")
with open(out, "w") as f:
    json.dump(fixtures, f, indent=1)
print("wrote", os.path.normpath(out))
