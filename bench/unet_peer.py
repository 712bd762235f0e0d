"""PyTorch peer of bench/unet.bench.ts: the same U-Net (sdk/nn/unet.ts with FASHION_UNET: 32x32x1, base 32,
mults [1,2,2], 1 res block per level, AdaGN res blocks, stride-2 conv down, nearest x2 + conv up, 4-head
self-attention at 8x8, group norm 8 groups), timed under the same row names. Prints JSON {"rows": [...], torch, blas, onednn} (peer_common.emit).
Rows ending in ' [1 thread]' / ' [2 threads]' run with torch and OpenBLAS at 1 / 2 threads (peer_common.set_threads).
The train step runs batch 64 in one piece (torch's activations fit); the hypnest row uses 4 micro-batches of 16.
The train-step rows ending in ' (1 worker)' / ' (2 workers)' run torch with 1 / 2 threads (hypnest: a WorkerPool
of 1 / 2 workers; skipped with HYPNEST_BENCH_DP=0 as there). Notes give the process CPU time beside the wall time.
Env: HYPNEST_BENCH_REPS (default 3), HYPNEST_BENCH_SAMPLE_STEPS (default 50).
"""
import math, os, sys, time
sys.dont_write_bytecode = True  # no bench/__pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import emit, require_torch, set_threads, suffix, timed
torch = require_torch()
import torch.nn as nn
import torch.nn.functional as F

CH, MULTS, BLOCKS, HEADS, GROUPS, SIZE = 32, [1, 2, 2], 1, 4, 8, 32


def sinusoid(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
    a = t.float()[:, None] * freqs[None]
    return torch.cat([a.sin(), a.cos()], 1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(GROUPS, cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb, 2 * cout)
        self.norm2, self.conv2 = nn.GroupNorm(GROUPS, cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, e):
        h = self.conv1(F.silu(self.norm1(x)))
        s, b = self.emb(e)[:, :, None, None].chunk(2, 1)
        h = self.conv2(F.silu(self.norm2(h) * (1 + s) + b))
        return self.skip(x) + h


class Attn(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.norm, self.qkv, self.out = nn.GroupNorm(GROUPS, ch), nn.Linear(ch, 3 * ch), nn.Linear(ch, ch)

    def forward(self, x):
        B, C, H, W = x.shape
        d = C // HEADS
        h = self.norm(x).flatten(2).transpose(1, 2)  # [B, N, C]
        q, k, v = self.qkv(h).reshape(B, H * W, 3, HEADS, d).permute(2, 0, 3, 1, 4)
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d), -1)
        o = (a @ v).transpose(1, 2).reshape(B, H * W, C)
        return x + self.out(o).transpose(1, 2).reshape(B, C, H, W)


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        E = 4 * CH
        self.fc1, self.fc2 = nn.Linear(CH, E), nn.Linear(E, E)
        self.inc = nn.Conv2d(1, CH, 3, padding=1)
        self.down, skips, ch = nn.ModuleList(), [CH], CH
        for lvl, m in enumerate(MULTS):
            for _ in range(BLOCKS):
                self.down.append(ResBlock(ch, CH * m, E)); ch = CH * m; skips.append(ch)
            if lvl < len(MULTS) - 1:
                self.down.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1)); skips.append(ch)
        self.mid1, self.attn, self.mid2 = ResBlock(ch, ch, E), Attn(ch), ResBlock(ch, ch, E)
        self.up = nn.ModuleList()
        for lvl in reversed(range(len(MULTS))):
            for _ in range(BLOCKS + 1):
                self.up.append(ResBlock(ch + skips.pop(), CH * MULTS[lvl], E)); ch = CH * MULTS[lvl]
            if lvl > 0:
                self.up.append(nn.Conv2d(ch, ch, 3, padding=1))
        self.onorm, self.outc = nn.GroupNorm(GROUPS, ch), nn.Conv2d(ch, 1, 3, padding=1)

    def forward(self, x, t):
        e = F.silu(self.fc2(F.silu(self.fc1(sinusoid(t, CH)))))
        h = self.inc(x); hs = [h]
        for m in self.down:
            h = m(h, e) if isinstance(m, ResBlock) else m(h); hs.append(h)
        h = self.mid2(self.attn(self.mid1(h, e)), e)
        for m in self.up:
            h = m(torch.cat([h, hs.pop()], 1), e) if isinstance(m, ResBlock) else m(F.interpolate(h, scale_factor=2, mode='nearest'))
        return self.outc(F.silu(self.onorm(h)))


def main():
    reps = int(os.environ.get('HYPNEST_BENCH_REPS', 3))
    steps = int(os.environ.get('HYPNEST_BENCH_SAMPLE_STEPS', 50))
    torch.manual_seed(0)
    net = UNet()
    B = 64
    x, eps = torch.randn(B, 1, SIZE, SIZE), torch.randn(B, 1, SIZE, SIZE)
    t = torch.tensor([(i * 37) % 1000 for i in range(B)])
    opt = torch.optim.AdamW(net.parameters(), lr=1e-4, weight_decay=0.01)
    nparams = sum(p.numel() for p in net.parameters())

    def fwd():
        with torch.no_grad():
            net(x, t)

    def step():
        opt.zero_grad(set_to_none=True)
        F.mse_loss(net(x, t), eps).backward()
        opt.step()

    def sample():
        with torch.no_grad():
            xs = x.clone()
            for i in range(steps):
                ti = torch.full((B,), 999 - (1000 * i) // steps)
                xs = 0.98 * xs + 0.02 * net(xs, ti)

    def cpu_timed(f):
        """(median wall ms, CPU ms of the whole timed block / reps) — timed() plus the process CPU time."""
        c0 = time.process_time()
        wall = timed(reps, f)
        return wall, (time.process_time() - c0) * 1000 / (reps + 1)

    rows = []
    train_name = "unet train step (batch 64, 32x32, fwd+bwd+AdamW)"
    for threads in (1, 2):
        set_threads(torch, threads)
        sfx = suffix(threads)
        note = f"torch {torch.__version__}, {threads} thread(s), {nparams / 1e6:.2f}M params"
        wall, cpu = cpu_timed(fwd)
        rows.append({"name": f"unet forward (batch 64, 32x32){sfx}", "ms": wall, "note": f"{note}; CPU {cpu:.0f} ms"})
        wall, cpu = cpu_timed(step)
        rows.append({"name": f"{train_name}{sfx}", "ms": wall, "note": f"{note}; CPU {cpu:.0f} ms"})
        c0, t0 = time.process_time(), time.perf_counter(); sample()
        rows.append({"name": f"unet sample {steps} steps x 64 images{sfx}", "ms": (time.perf_counter() - t0) * 1000,
                     "note": f"{note}; CPU {(time.process_time() - c0) * 1000:.0f} ms; one run"})
    if os.environ.get('HYPNEST_BENCH_DP') != '0':
        for threads, label in [(1, '1 worker'), (2, '2 workers')]:
            set_threads(torch, threads)
            rows.append({"name": f"{train_name} ({label})", "ms": timed(reps, step), "note": f"torch {threads} thread(s)"})
    emit(torch, rows)

if __name__ == '__main__':
    main()
