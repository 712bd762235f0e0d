"""PyTorch peer of bench/core.bench.ts: same shapes, rows matched by name.
Prints JSON {"rows": [{name, ms, note}]}. Rows without a suffix run with torch.set_num_threads(1);
rows ending in '[torch default threads]' use torch's default thread count; the '(2 workers)' row is
matched with torch at 2 threads (the same two cores), the '(1 worker)' row with 1 thread."""
import json, os, sys
sys.dont_write_bytecode = True  # no bench/__pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import require_torch, timed
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

default_threads = torch.get_num_threads()
rows = []
cases = [(64, 32, 64, 64), (64, 16, 128, 128)]
for threads, suffix in [(1, ''), (default_threads, ' [torch default threads]')]:
    torch.set_num_threads(threads)
    for n, hw, ci, co in cases:
        rows.append({"name": f"conv2d 3x3 fwd+bwd {n}x{hw}x{hw}x{ci}->{co}{suffix}", "ms": timed(3, conv_fn(n, hw, ci, co)), "note": f"torch {threads} thread(s)"})
    rows.append({"name": f"matMul 1024x1024x1024{suffix}", "ms": timed(5, mm_fn()), "note": f"torch {threads} thread(s)"})
n, hw, ci, co = cases[0]
for threads, label in [(1, '1 worker'), (2, '2 workers')]:
    torch.set_num_threads(threads)
    rows.append({"name": f"conv2d 3x3 fwd+bwd {n}x{hw}x{hw}x{ci}->{co} ({label})", "ms": timed(3, conv_fn(n, hw, ci, co)), "note": f"torch {threads} thread(s)"})
print(json.dumps({"rows": rows, "torch": torch.__version__, "default_threads": default_threads}))
