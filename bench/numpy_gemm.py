"""The matrix-product part of ./build.sh bench: float64 GEMM throughput of numpy (OpenBLAS) at the given shapes.

Reads "M K N" lines on stdin, prints "M K N gflops" lines: the median of 5 timings of repeated C = A @ B.
Run with Debian's python3-numpy; OPENBLAS_NUM_THREADS sets its threads."""
import statistics
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy_missing: install Debian's python3-numpy to compare with OpenBLAS through numpy")
    sys.exit(3)

rng = np.random.default_rng(1)
for line in sys.stdin:
    if not line.strip():
        continue
    m, k, n = map(int, line.split())
    a, b = rng.standard_normal((m, k)), rng.standard_normal((k, n))
    c = np.empty((m, n))
    flops = 2.0 * m * k * n
    reps = max(5, int(2e9 / flops))
    for _ in range(3):
        np.matmul(a, b, out=c)
    rates = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        rates.append(flops * reps / (time.perf_counter() - t0) / 1e9)
    print(m, k, n, f"{statistics.median(rates):.2f}", flush=True)
