"""PyTorch float32 peer of bench/hyperbolic.bench.ts: the same Poincare-ball formulas (c = 1, same guards:
tanh argument clamped to +-15, artanh argument to +-(1 - 1e-6), norms >= 1e-15, projection to (1 - 4e-3)/sqrt(c)),
timed on 100,000 points of dimension 16, median of REPS after a warm-up, under the same row names.
Prints JSON {"rows": [{"name", "ms", "note"}], torch, blas, onednn}: rows "<op> [1 thread]" / "<op> [2 threads]" with
torch and OpenBLAS at 1 / 2 threads (peer_common.set_threads), as bench/threads.ts names the SDK's rows. Env: HYPNEST_BENCH_N, HYPNEST_BENCH_REPS.
Run: /usr/bin/python3 bench/hyperbolic_peer.py
"""
import math
import os
import sys

sys.dont_write_bytecode = True  # no bench/__pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import emit, require_torch, set_threads, suffix, timed

torch = require_torch()

DIM = 16
C = 1.0
MIN_NORM = 1e-15
EPS = 4e-3


def norm(x):
    return x.pow(2).sum(-1, keepdim=True).clamp_min(MIN_NORM * MIN_NORM).sqrt()


def artanh(x):
    z = x.clamp(-1 + 1e-6, 1 - 1e-6)
    return 0.5 * (torch.log1p(z) - torch.log1p(-z))


def tanh(x):
    return torch.tanh(x.clamp(-15, 15))


def project(x, c=C):
    n = norm(x)
    max_norm = (1 - EPS) / math.sqrt(c)
    return x * (max_norm / n).clamp_max(1.0)


def mobius_add_raw(x, y, c=C):
    x2 = x.pow(2).sum(-1, keepdim=True)
    y2 = y.pow(2).sum(-1, keepdim=True)
    xy = (x * y).sum(-1, keepdim=True)
    num = (1 + 2 * c * xy + c * y2) * x + (1 - c * x2) * y
    den = 1 + 2 * c * xy + c ** 2 * x2 * y2
    return num / den.clamp_min(MIN_NORM)


def mobius_add(x, y, c=C):
    return project(mobius_add_raw(x, y, c), c)


def expmap0(u, c=C):
    sc = math.sqrt(c)
    n = norm(u)
    return project(tanh(sc * n) / (sc * n) * u, c)


def logmap0(y, c=C):
    sc = math.sqrt(c)
    n = norm(y)
    return artanh(sc * n) / (sc * n) * y


def dist(x, y, c=C):
    sc = math.sqrt(c)
    return (2 / sc * artanh(sc * norm(mobius_add_raw(-x, y, c)))).squeeze(-1)


def scalar_mul_raw(r, x, c=C):
    sc = math.sqrt(c)
    n = norm(x)
    return tanh(r * artanh(sc * n)) / (sc * n) * x


def geodesic(t, x, y, c=C):
    diff = mobius_add_raw(-x, y, c)
    return project(mobius_add_raw(x, scalar_mul_raw(t, diff, c), c), c)


def mobius_matvec(m, x, c=C):
    sc = math.sqrt(c)
    xn = norm(x)
    mx = x @ m.t()
    mxn = norm(mx)
    return project(tanh(mxn / xn * artanh(sc * xn)) / (sc * mxn) * mx, c)


def points(n, gen):
    u = torch.randn(n, DIM, generator=gen)
    u = u / u.norm(dim=-1, keepdim=True)
    r = torch.tanh((0.1 + 2.9 * torch.rand(n, 1, generator=gen)) / 2)
    return u * r


def main():
    n = int(os.environ.get("HYPNEST_BENCH_N", "100000"))
    reps = int(os.environ.get("HYPNEST_BENCH_REPS", "5"))
    gen = torch.Generator().manual_seed(0)
    x, y = points(n, gen), points(n, gen)
    u = logmap0(x)
    m = torch.randn(DIM, DIM, generator=gen) / 4
    ops = {
        "mobiusAdd": lambda: mobius_add(x, y),
        "expmap0": lambda: expmap0(u),
        "logmap0": lambda: logmap0(x),
        "dist": lambda: dist(x, y),
        "geodesic": lambda: geodesic(0.3, x, y),
        "mobiusMatvec": lambda: mobius_matvec(m, x),
    }
    rows = []
    with torch.no_grad():
        for threads in (1, 2):
            set_threads(torch, threads)
            note = f"{n}x{DIM} float32, torch {torch.__version__}, {threads} thread(s), median of {reps}"
            rows += [{"name": f"{k}{suffix(threads)}", "ms": timed(reps, f), "note": note} for k, f in ops.items()]
    emit(torch, rows)

if __name__ == "__main__":
    main()
