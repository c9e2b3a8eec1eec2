"""Where the coefficients of rnnkit.core.Activation.tanh come from, and how accurate it is.

Lambert's continued fraction  tanh x = x / (1 + x^2/(3 + x^2/(5 + ... + x^2/17)))  multiplied out is the rational
function x P(u)/Q(u) with u = x^2 and integer coefficients (its [9/8] Pade approximant). The kit writes it as
x - x u S(u)/Q(u) with S = (Q - P)/u, so that the rounding errors of S/Q only touch a correction of at most a quarter
of x. From |x| = 1 on it uses 1 - 2/(exp(2|x|) + 1).

Prints P, Q and S, the truncation error of the fraction on [0, 1), and the largest error of the kit's formula in
double precision against mpmath's exact tanh (Python floats are IEEE doubles, as Java's; exp is the C library's here
and the JIT's in Java, both within an ulp). Needs Debian's python3-mpmath; run with /usr/bin/python3.
"""
import math
import random
from fractions import Fraction

import mpmath

mpmath.mp.dps = 40
DEPTH = 8  # partial denominators 1, 3, ..., 17


def fraction_polynomials(depth):
    """P, Q (coefficients low to high in u) with tanh x ~ x P(u)/Q(u)."""
    num, den = [Fraction(2 * depth + 1)], [Fraction(1)]   # the innermost denominator, as num/den
    for k in range(depth - 1, -1, -1):                    # (2k+1) + u den/num = ((2k+1) num + u den) / num
        shifted = [Fraction(0)] + den
        size = max(len(num), len(shifted))
        num, den = [(2 * k + 1) * (num[i] if i < len(num) else 0) + (shifted[i] if i < len(shifted) else 0)
                    for i in range(size)], num
    return den, num   # tanh x = x / (num/den) = x den/num


def horner(coefficients, u):
    value = 0
    for c in reversed(coefficients):
        value = value * u + c
    return value


def kit_tanh(a, s, q):
    x = abs(a)
    if x < 1:
        u = x * x
        z = x - x * u * horner(s, u) / horner(q, u)
    else:
        z = 1 - 2 / (math.exp(2 * x) + 1)
    return math.copysign(z, a)


def main():
    p, q = fraction_polynomials(DEPTH)
    s = [qi - pi for pi, qi in zip(p + [0] * (len(q) - len(p)), q)][1:]   # (Q - P)/u
    assert all(c.denominator == 1 for c in p + q + s)
    print("P =", [int(c) for c in p])
    print("Q =", [int(c) for c in q])
    print("S =", [int(c) for c in s])
    pm = [mpmath.mpf(int(c)) for c in p]
    qm = [mpmath.mpf(int(c)) for c in q]
    worst = max(abs(x * horner(pm, x * x) / horner(qm, x * x) / mpmath.tanh(x) - 1)
                for x in (mpmath.mpf(i) / 2000 for i in range(1, 2000)))
    print(f"truncation error of the fraction on (0, 1): {float(worst):.2e} relative = {float(worst) / 2 ** -53:.2f} ulp")
    sf = [float(c) for c in s]
    qf = [float(c) for c in q]
    rng = random.Random(3)
    for name, draw in [("|x| < 1", lambda: rng.uniform(0, 1)), ("1 <= |x| < 20", lambda: rng.uniform(1, 20)),
                       ("tiny to 20", lambda: 10 ** rng.uniform(-12, math.log10(20)))]:
        err = 0.0
        for _ in range(200_000):
            x = draw()
            exact = mpmath.tanh(mpmath.mpf(x))
            err = max(err, float(abs(mpmath.mpf(kit_tanh(x, sf, qf)) - exact)) / math.ulp(float(exact)))
        print(f"largest error, {name}: {err:.2f} ulp of the exact value")


if __name__ == "__main__":
    main()
