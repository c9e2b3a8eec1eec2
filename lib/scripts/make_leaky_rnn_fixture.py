#!/usr/bin/python3
"""Reference values for the library's leaky RNN (rnnkit.layers.Rnn with a leak rate), from PyTorch autograd.

PyTorch has no leaky RNN layer, so the unit is written out from its equations,
    h_t = (1 - alpha) h_{t-1} + alpha tanh(x_t W_xh + h_{t-1} W_hh + b_h)   (row vectors, the library's storage),
and autograd differentiates it. Run with Debian's python3-torch:

    /usr/bin/python3 lib/scripts/make_leaky_rnn_fixture.py

It writes lib/src/test/resources/rnnkit/fixtures/torch_leaky_rnn.json (committed; the Java tests never need torch)
in the layout of make_torch_fixtures.py: sequences time-major as (T*B) x D lists of rows, the loss
L = sum(out * dout) + sum(h_T * dh_T) for random upstream gradients dout and dh_T, and every gradient of L.
"""
import json
import os

import torch

from fixtures import rows

torch.set_default_dtype(torch.float64)
T, B, D, H = 6, 3, 4, 5


def case(alpha, seed):
    torch.manual_seed(seed)
    Wxh = (torch.rand(D, H) - 0.5).requires_grad_()
    Whh = (1.2 * (torch.rand(H, H) - 0.5)).requires_grad_()
    bh = (torch.rand(1, H) - 0.5).requires_grad_()
    x = torch.randn(T, B, D, requires_grad=True)
    h0 = (0.5 * torch.randn(B, H)).requires_grad_()
    h, out = h0, []
    for t in range(T):
        h = (1 - alpha) * h + alpha * torch.tanh(x[t] @ Wxh + h @ Whh + bh)
        out.append(h)
    out = torch.stack(out)
    dout = torch.randn(T, B, H)
    dhT = torch.randn(B, H)
    loss = (out * dout).sum() + (h * dhT).sum()
    loss.backward()
    return {"alpha": [[alpha]],  # a 1x1 matrix, as the tests read matrices
            "T": T, "B": B, "D": D, "H": H,
            "Wxh": rows(Wxh), "Whh": rows(Whh), "bh": rows(bh), "x": rows(x), "h0": rows(h0),
            "out": rows(out), "hT": rows(h), "dout": rows(dout), "dhT": rows(dhT),
            "dx": rows(x.grad), "dh0": rows(h0.grad), "dWxh": rows(Wxh.grad), "dWhh": rows(Whh.grad), "dbh": rows(bh.grad)}


fixtures = {"torch_version": torch.__version__, "leak_0.3": case(0.3, 11), "leak_0.05": case(0.05, 12)}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "rnnkit",
                   "fixtures", "torch_leaky_rnn.json")
with open(out, "w") as f:
    json.dump(fixtures, f, indent=1)
print("wrote", os.path.normpath(out))
