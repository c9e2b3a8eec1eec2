#!/usr/bin/python3
"""Reference values for rnnkit.models.Captioner, computed with PyTorch autograd in float64.

Run with Debian's python3-torch (`/usr/bin/python3 lib/scripts/make_captioner_fixtures.py`); it writes
lib/src/test/resources/rnnkit/fixtures/torch_captioner.json, which CaptionerTest reads (CI never needs torch).

The captioner is written out here from its equations, with torch's own recurrent layers: words are embedded
(x_t = E[w_t]); the image's features v enter as [x_t, v] at every step (EVERY_STEP), as [x_0, v] and then [x_t, 0]
(FIRST_STEP), as the initial state h_0 = v W_vh + b_vh (INITIAL_STATE; c_0 = 0 for an LSTM), or not at all (NONE);
scores s_t = h_t W_hy + b_y; the loss is the mean cross-entropy over the positions where the mask is 1. For each
case: the weights (in the library's names and layout: x W row form, PyTorch's two recurrent biases summed), the
inputs, the loss and the gradient of every parameter.
"""
import json
import os

import torch

from fixtures import rows

torch.set_default_dtype(torch.float64)
V, EMB, F, H = 7, 3, 4, 5
LENGTHS = [4, 1, 0, 3]          # caption lengths in the batch: padding in three of the four rows


def teacher_forcing(captions, pad=0, bos=2, eos=3):
    T = max(len(c) for c in captions) + 1
    inputs = [[bos if t == 0 else c[t - 1] if t <= len(c) else pad for c in captions] for t in range(T)]
    targets = [[c[t] if t < len(c) else eos if t == len(c) else pad for c in captions] for t in range(T)]
    mask = [[1.0 if t <= len(c) else 0.0 for c in captions] for t in range(T)]
    return inputs, targets, mask


def case(conditioning, cell, seed):
    torch.manual_seed(seed)
    captions = [[int(w) for w in torch.randint(4, V, (n,))] for n in LENGTHS]
    inputs, targets, mask = teacher_forcing(captions)
    T, B = len(inputs), len(captions)
    v = torch.randn(B, F)
    E = torch.randn(V, EMB, requires_grad=True)
    reads_image = conditioning in ("EVERY_STEP", "FIRST_STEP")
    D = EMB + (F if reads_image else 0)
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh") if cell == "RNN" else torch.nn.LSTM(D, H)
    for p in rnn.parameters():
        torch.nn.init.uniform_(p, -0.5, 0.5)
    Wvh = (0.5 * torch.randn(F, H)).requires_grad_()
    bvh = (0.5 * torch.randn(1, H)).requires_grad_()
    Why = (0.5 * torch.randn(H, V)).requires_grad_()
    by = (0.5 * torch.randn(1, V)).requires_grad_()

    x = E[torch.tensor(inputs)]                                  # T x B x EMB
    if reads_image:
        image = v.unsqueeze(0).expand(T, B, F).clone()
        if conditioning == "FIRST_STEP":
            image[1:] = 0
        x = torch.cat([x, image], dim=2)                         # [x_t, v]
    initial = None
    if conditioning == "INITIAL_STATE":
        h0 = (v @ Wvh + bvh).unsqueeze(0)
        initial = h0 if cell == "RNN" else (h0, torch.zeros_like(h0))
    out, _ = rnn(x, initial)
    scores = out @ Why + by                                      # T x B x V
    m = torch.tensor(mask)
    ce = torch.nn.functional.cross_entropy(scores.reshape(T * B, V), torch.tensor(targets).reshape(-1), reduction="none")
    loss = (ce * m.reshape(-1)).sum() / m.sum()
    loss.backward()

    names = ("rnn.Wxh", "rnn.Whh", "rnn.bh") if cell == "RNN" else ("rnn.Wxh", "rnn.Whh", "rnn.bh")
    params = {
        "embedding.E": (E, E.grad),
        names[0]: (rnn.weight_ih_l0.t(), rnn.weight_ih_l0.grad.t()),
        names[1]: (rnn.weight_hh_l0.t(), rnn.weight_hh_l0.grad.t()),
        names[2]: (rnn.bias_ih_l0 + rnn.bias_hh_l0, rnn.bias_ih_l0.grad),   # b_ih.grad == b_hh.grad
        "output.Why": (Why, Why.grad),
        "output.by": (by, by.grad),
    }
    if conditioning == "INITIAL_STATE":
        params["image.Wvh"] = (Wvh, Wvh.grad)
        params["image.bvh"] = (bvh, bvh.grad)
    return {
        "conditioning": conditioning, "cell": cell, "V": V, "E": EMB, "F": F, "H": H,
        "inputs": inputs, "targets": targets, "mask": mask, "features": rows(v), "loss": loss.item(),
        "values": {k: rows(a) for k, (a, _) in params.items()},
        "grads": {k: rows(g) for k, (_, g) in params.items()},
    }


cases = []
seed = 1
for cell in ("RNN", "LSTM"):
    for conditioning in ("EVERY_STEP", "FIRST_STEP", "INITIAL_STATE", "NONE"):
        cases.append(case(conditioning, cell, seed))
        seed += 1
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "rnnkit",
                   "fixtures", "torch_captioner.json")
with open(out, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1)
print("wrote", os.path.normpath(out), len(cases), "cases")
