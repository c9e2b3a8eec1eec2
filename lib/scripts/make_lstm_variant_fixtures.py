#!/usr/bin/python3
"""Reference values for the LSTM variants of rnnkit.layers.Lstm, from PyTorch autograd of their equations, float64.

Run with Debian's python3-torch (`/usr/bin/python3 lib/scripts/make_lstm_variant_fixtures.py`); it writes
lib/src/test/resources/rnnkit/fixtures/torch_lstm_variants.json, which the Java tests read (CI never needs torch).

PyTorch has only the standard LSTM, so each variant's step is written out here from the equations of Greff et al.,
"LSTM: A Search Space Odyssey" (IEEE TNNLS 2017): the vanilla LSTM V (peepholes: i and f look at c_{t-1}, o at c_t)
and V with one change (NIG i = 1, NFG f = 1, NOG o = 1, NIAF g = a_g, NOAF h = o * c, NP no peepholes, CIFG coupled
gates, FGR the gates also fed the previous step's gates). Autograd gives every gradient. Two cross-checks keep the
hand-written cell honest: the standard variant equals torch.nn.LSTM, and the library's CIFG (forget gate learnt,
i = 1 - f) equals Greff's CIFG (input gate learnt, f = 1 - i) with the weights of the coupled gate negated.

Conventions as in make_torch_fixtures.py: row-major batches (x_t W_x), sequences time-major as (T*B) x D, weights
in the library's layout (in x out), one bias; blocks in the order of Lstm.Variant.blocks(). For each variant: the
weights, x, h0, c0, the outputs h_1..h_T, h_T and c_T, and the gradients of
L = sum(out * dout) + sum(h_T * dh_T) + sum(c_T * dc_T).
"""
import json
import os

import torch

from fixtures import rows

torch.set_default_dtype(torch.float64)
T, B, D, H = 5, 3, 4, 6

# name in the library -> (learnt blocks, peepholes); the same table as Lstm.Variant
VARIANTS = {
    "STANDARD": ("ifgo", False),
    "PEEPHOLE": ("ifgo", True),
    "COUPLED": ("fgo", False),
    "NIG": ("fgo", True),
    "NFG": ("igo", True),
    "NOG": ("ifg", True),
    "NIAF": ("ifgo", True),
    "NOAF": ("ifgo", True),
    "CIFG": ("fgo", True),
    "FGR": ("ifgo", True),
}
COUPLED = ("COUPLED", "CIFG")


def parameters(variant, seed):
    blocks, peepholes = VARIANTS[variant]
    G = len(blocks)
    torch.manual_seed(seed)
    p = {"Wxh": torch.empty(D, G * H), "Whh": torch.empty(H, G * H), "bh": torch.empty(1, G * H)}
    if peepholes:
        for gate in "ifo":
            if gate in blocks:
                p["wc" + gate] = torch.empty(1, H)
    if variant == "FGR":
        p["Wgg"] = torch.empty(3 * H, 3 * H)  # rows i_{t-1}, f_{t-1}, o_{t-1}; columns to i, f, o
    for v in p.values():
        torch.nn.init.uniform_(v, -0.5, 0.5)
        v.requires_grad_()
    return p


def run(variant, p, x, h0, c0):
    """The variant's equations, step by step. Returns the outputs (T x B x H), h_T and c_T."""
    blocks, _ = VARIANTS[variant]
    ones = torch.ones(B, H)
    zero = torch.zeros(1, H)
    h, c = h0, c0
    prev_gates = torch.zeros(B, 3 * H)  # FGR: [i, f, o] of the previous step, 0 before the first
    out = []
    for t in range(T):
        a = x[t] @ p["Wxh"] + h @ p["Whh"] + p["bh"]
        if variant == "FGR":
            r = prev_gates @ p["Wgg"]
            a = a + torch.cat([r[:, :2 * H], torch.zeros(B, H), r[:, 2 * H:]], dim=1)  # nothing to g
        block = {gate: a[:, k * H:(k + 1) * H] for k, gate in enumerate(blocks)}
        peep = {gate: p.get("wc" + gate, zero) for gate in "ifo"}
        f = torch.sigmoid(block["f"] + peep["f"] * c) if "f" in blocks else ones      # NFG: f = 1
        if variant in COUPLED:
            i = 1 - f                                                                # CIFG, as the library writes it
        else:
            i = torch.sigmoid(block["i"] + peep["i"] * c) if "i" in blocks else ones  # NIG: i = 1
        g = block["g"] if variant == "NIAF" else torch.tanh(block["g"])              # NIAF: g = a_g
        c = f * c + i * g
        o = torch.sigmoid(block["o"] + peep["o"] * c) if "o" in blocks else ones      # NOG: o = 1; o sees c_t
        h = o * (c if variant == "NOAF" else torch.tanh(c))                          # NOAF: h = o * c_t
        prev_gates = torch.cat([i, f, o], dim=1)
        out.append(h)
    return torch.stack(out), h, c


def greff_cifg(p, x, h0, c0):
    """CIFG as Greff et al. write it: the input gate learnt (block 0), f = 1 - i."""
    h, c = h0, c0
    out = []
    for t in range(T):
        a = x[t] @ p["Wxh"] + h @ p["Whh"] + p["bh"]
        i = torch.sigmoid(a[:, :H] + p["wci"] * c)
        f = 1 - i
        c = f * c + i * torch.tanh(a[:, H:2 * H])
        o = torch.sigmoid(a[:, 2 * H:] + p["wco"] * c)
        h = o * torch.tanh(c)
        out.append(h)
    return torch.stack(out), h, c


def case(variant, seed):
    p = parameters(variant, seed)
    x = torch.randn(T, B, D, requires_grad=True)
    h0 = (0.5 * torch.randn(B, H)).requires_grad_()
    c0 = (0.5 * torch.randn(B, H)).requires_grad_()
    out, hT, cT = run(variant, p, x, h0, c0)
    dout, dhT, dcT = torch.randn(T, B, H), torch.randn(B, H), torch.randn(B, H)
    ((out * dout).sum() + (hT * dhT).sum() + (cT * dcT).sum()).backward()
    data = {"T": T, "B": B, "D": D, "H": H, "x": rows(x), "h0": rows(h0), "c0": rows(c0), "out": rows(out),
            "hT": rows(hT), "cT": rows(cT), "dout": rows(dout), "dhT": rows(dhT), "dcT": rows(dcT),
            "dx": rows(x.grad), "dh0": rows(h0.grad), "dc0": rows(c0.grad)}
    for name, v in p.items():
        data[name] = rows(v)
        data["d" + name] = rows(v.grad)
    cross_check(variant, p, x, h0, c0, out)
    return data


def cross_check(variant, p, x, h0, c0, out):
    with torch.no_grad():
        if variant == "STANDARD":
            lstm = torch.nn.LSTM(D, H)
            lstm.weight_ih_l0.copy_(p["Wxh"].t())
            lstm.weight_hh_l0.copy_(p["Whh"].t())
            lstm.bias_ih_l0.copy_(p["bh"][0])
            lstm.bias_hh_l0.zero_()
            theirs, _ = lstm(x, (h0.unsqueeze(0), c0.unsqueeze(0)))
            assert torch.allclose(out, theirs, rtol=0, atol=1e-13), "hand-written standard cell != torch.nn.LSTM"
        if variant == "CIFG":
            greff = {"Wxh": p["Wxh"].clone(), "Whh": p["Whh"].clone(), "bh": p["bh"].clone(), "wci": -p["wcf"],
                     "wco": p["wco"]}
            for w in ("Wxh", "Whh", "bh"):
                greff[w][:, :H] *= -1  # Greff's input-gate weights: the negated forget-gate weights
            theirs, _, _ = greff_cifg(greff, x, h0, c0)
            assert torch.allclose(out, theirs, rtol=0, atol=1e-13), "CIFG with i = 1 - f != Greff's f = 1 - i"


fixtures = {"torch_version": torch.__version__}
for seed, variant in enumerate(VARIANTS, start=10):
    fixtures[variant] = case(variant, seed)
out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "rnnkit",
                        "fixtures", "torch_lstm_variants.json")
with open(out_path, "w") as f:
    json.dump(fixtures, f, indent=1)
print("wrote", os.path.normpath(out_path))
