"""The character-LM training step of ./build.sh bench, in PyTorch, for the side-by-side comparison.

embedding -> {RNN, LSTM, GRU} -> linear -> softmax cross-entropy -> backward -> clip the global norm to 5 -> Adam,
with V = 65, B = 32, T = 64, E = 64 and the given H, dtype and thread count: the same step as rnnkit.bench.CharLmBench.
Prints one line, "tokens_per_s <number>": the median over --repeats timings of --steps steps each, after --warmup steps.
With --peak instead: "gflops <number>", the best of five 1024x1024x1024 products in --dtype on one thread.
./build.sh bench runs it with PyTorch 2.x from bench/venv and with Debian's python3-torch:
    bench/venv/bin/python bench/torch_charlm.py --model lstm --hidden 128 --threads 1 --dtype float32
"""
import argparse
import statistics
import sys
import time

try:
    import torch
except ImportError:
    print("torch_missing: install Debian's python3-torch (apt-get install python3-torch) to compare with PyTorch")
    sys.exit(3)

p = argparse.ArgumentParser()
p.add_argument("--model", choices=["rnn", "lstm", "gru"])
p.add_argument("--hidden", type=int)
p.add_argument("--peak", action="store_true")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
p.add_argument("--steps", type=int, default=5)
p.add_argument("--warmup", type=int, default=2)
p.add_argument("--repeats", type=int, default=1)
p.add_argument("--warmup-seconds", type=float, default=0)
p.add_argument("--min-seconds", type=float, default=0)
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(1)
dtype = torch.float64 if a.dtype == "float64" else torch.float32
if a.peak:
    torch.set_num_threads(1)
    m = torch.rand(1024, 1024, dtype=dtype)
    best = 0.0
    for r in range(7):
        t0 = time.perf_counter()
        torch.mm(m, m)
        if r >= 2:
            best = max(best, 2 * 1024 ** 3 / (time.perf_counter() - t0) / 1e9)
    print(f"gflops {best:.2f}")
    sys.exit(0)
if a.model is None or a.hidden is None:
    p.error("--model and --hidden are needed (or --peak)")
V, B, T, E, H = 65, 32, 64, 64, a.hidden
cell = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[a.model]


class CharLm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(V, E)
        self.rnn = cell(E, H, batch_first=True)
        self.output = torch.nn.Linear(H, V)

    def forward(self, x):
        h, _ = self.rnn(self.embedding(x))
        return self.output(h)


model = CharLm().to(dtype)
adam = torch.optim.Adam(model.parameters(), lr=2e-3)
x = torch.randint(0, V, (B, T))
y = torch.randint(0, V, (B, T))


def step():
    adam.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x).reshape(B * T, V), y.reshape(B * T))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    adam.step()


# at least --warmup steps and --warmup-seconds, then at least --steps steps and --min-seconds per timing
# (CharLmBench times the kit's side the same way)
start, w = time.perf_counter(), 0
while w < a.warmup or time.perf_counter() - start < a.warmup_seconds:
    step()
    w += 1
rates = []
for _ in range(a.repeats):
    t0, s = time.perf_counter(), 0
    while s < a.steps or time.perf_counter() - t0 < a.min_seconds:
        step()
        s += 1
    rates.append(s * B * T / (time.perf_counter() - t0))
print(f"tokens_per_s {statistics.median(rates):.1f}")
