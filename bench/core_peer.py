"""PyTorch peer of bench/core.bench.ts: same shapes, rows matched by name.
Prints JSON {"rows": [{name, ms, note}], torch, blas, onednn}. Rows ending in ' [1 thread]' / ' [2 threads]' run
with torch and OpenBLAS at 1 / 2 threads (peer_common.set_threads); the '(1 worker)' / '(2 workers)' rows are
matched with torch at 1 / 2 threads (the same two cores)."""
import os, sys
sys.dont_write_bytecode = True  # no bench/__pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import emit, require_torch, set_threads, suffix, timed
torch = require_torch()

def conv_fn(n, hw, ci, co):
    g = torch.Generator().manual_seed(1)
    x = (torch.randn(n, ci, hw, hw, generator=g) * 0.1).requires_grad_()
    w = (torch.randn(co, ci, 3, 3, generator=g) * 0.1).requires_grad_()
    def f():
        x.grad = None; w.grad = None
        torch.nn.functional.conv2d(x, w, padding=1).sum().backward()
    return f

def mm_fn():
    a = torch.randn(1024, 1024); b = torch.randn(1024, 1024)
    return lambda: torch.mm(a, b)

rows = []
cases = [(64, 32, 64, 64), (64, 16, 128, 128)]
for threads in (1, 2):
    set_threads(torch, threads)
    for n, hw, ci, co in cases:
        rows.append({"name": f"conv2d 3x3 fwd+bwd {n}x{hw}x{hw}x{ci}->{co}{suffix(threads)}", "ms": timed(3, conv_fn(n, hw, ci, co)), "note": f"torch {threads} thread(s)"})
    rows.append({"name": f"matMul 1024x1024x1024{suffix(threads)}", "ms": timed(5, mm_fn()), "note": f"torch {threads} thread(s)"})
n, hw, ci, co = cases[0]
for threads, label in [(1, '1 worker'), (2, '2 workers')]:
    set_threads(torch, threads)
    rows.append({"name": f"conv2d 3x3 fwd+bwd {n}x{hw}x{hw}x{ci}->{co} ({label})", "ms": timed(3, conv_fn(n, hw, ci, co)), "note": f"torch {threads} thread(s)"})
emit(torch, rows)
