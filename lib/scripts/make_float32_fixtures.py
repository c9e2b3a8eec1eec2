#!/usr/bin/python3
"""Reference values for the float32 training path: a small language model in PyTorch, in float32 and in float64.

Run with Debian's python3-torch (`/usr/bin/python3 lib/scripts/make_float32_fixtures.py`); it writes
lib/src/test/resources/rnnkit/fixtures/torch_float32_lm.json, which Float32TrainingTest reads (CI never needs torch).

For each cell (RNN, LSTM, GRU): embedding (V x E) -> two recurrent layers of H units -> linear -> the mean
cross-entropy over the positions a T x B mask keeps. The weights are drawn once in float32; the same numbers then
run in float32 and in float64, and the file holds both losses and both sets of gradients. Layout as in
make_torch_fixtures.py: weights transposed to the library's (in x out), PyTorch's two biases summed for the RNN
and LSTM (their gradient is either one's), both kept for the GRU.
"""
import json
import os

import torch

from fixtures import rows

T, B, V, E, H, LAYERS = 6, 4, 13, 5, 8, 2


def run(kind, state, tokens, targets, mask, dtype):
    emb = torch.nn.Embedding(V, E).to(dtype)
    rnn = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](E, H, num_layers=LAYERS).to(dtype)
    out = torch.nn.Linear(H, V).to(dtype)
    modules = {"emb": emb, "rnn": rnn, "out": out}
    with torch.no_grad():
        for name, module in modules.items():
            for pname, p in module.named_parameters():
                p.copy_(state[name + "." + pname].to(dtype))
    h, _ = rnn(emb(tokens))
    scores = out(h)
    ce = torch.nn.functional.cross_entropy(scores.reshape(T * B, V), targets.reshape(T * B), reduction="none")
    m = mask.reshape(T * B).to(dtype)
    loss = (ce * m).sum() / m.sum()
    loss.backward()
    grads = {"embedding.E": rows(emb.weight.grad), "output.Why": rows(out.weight.grad.t()), "output.by": rows(out.bias.grad)}
    for l in range(LAYERS):
        w_ih, w_hh = getattr(rnn, f"weight_ih_l{l}"), getattr(rnn, f"weight_hh_l{l}")
        b_ih, b_hh = getattr(rnn, f"bias_ih_l{l}"), getattr(rnn, f"bias_hh_l{l}")
        p = f"rnn.layer{l}."
        grads[p + "Wxh"] = rows(w_ih.grad.t())
        grads[p + "Whh"] = rows(w_hh.grad.t())
        if kind == "gru":
            grads[p + "bxh"], grads[p + "bhh"] = rows(b_ih.grad), rows(b_hh.grad)
        else:
            grads[p + "bh"] = rows(b_ih.grad)
    return loss.item(), grads


def case(kind, seed):
    torch.manual_seed(seed)
    emb = torch.nn.Embedding(V, E)
    rnn = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](E, H, num_layers=LAYERS)
    out = torch.nn.Linear(H, V)
    state = {}
    for name, module in {"emb": emb, "rnn": rnn, "out": out}.items():
        for pname, p in module.named_parameters():
            state[name + "." + pname] = p.detach().clone()      # float32 numbers, exact in float64 too
    tokens = torch.randint(0, V, (T, B))
    targets = torch.randint(0, V, (T, B))
    mask = torch.ones(T, B)
    mask[4:, 1] = 0                                            # a shorter sequence
    mask[2:, 3] = 0
    weights = {"embedding.E": rows(state["emb.weight"]), "output.Why": rows(state["out.weight"].t()),
               "output.by": rows(state["out.bias"])}
    for l in range(LAYERS):
        p = f"rnn.layer{l}."
        b_ih, b_hh = state[f"rnn.bias_ih_l{l}"], state[f"rnn.bias_hh_l{l}"]
        weights[p + "Wxh"] = rows(state[f"rnn.weight_ih_l{l}"].t())
        weights[p + "Whh"] = rows(state[f"rnn.weight_hh_l{l}"].t())
        if kind == "gru":
            weights[p + "bxh"], weights[p + "bhh"] = rows(b_ih), rows(b_hh)
        else:
            weights[p + "bh"] = rows(b_ih.double() + b_hh.double())
    loss32, grads32 = run(kind, state, tokens, targets, mask, torch.float32)
    loss64, grads64 = run(kind, state, tokens, targets, mask, torch.float64)
    return {"T": T, "B": B, "V": V, "E": E, "H": H, "layers": LAYERS, "tokens": tokens.tolist(),
            "targets": targets.tolist(), "mask": mask.tolist(), "weights": weights,
            "loss32": loss32, "grads32": grads32, "loss64": loss64, "grads64": grads64}


if __name__ == "__main__":
    data = {"torch": torch.__version__, "rnn": case("rnn", 1), "lstm": case("lstm", 2), "gru": case("gru", 3)}
    path = os.path.join(os.path.dirname(__file__), "../src/test/resources/rnnkit/fixtures/torch_float32_lm.json")
    with open(path, "w") as f:
        json.dump(data, f)
    print("wrote", os.path.normpath(path))
