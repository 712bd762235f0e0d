"""PyTorch peer of bench/nested.bench.ts: `nested.levels(5).generate(16)` with the default settings, on the same
networks with the shipped weights (assets/nested/L5, ported in bench/torch_nets.py and checked against the SDK's
forwards by bench/torch_nets_check.py; the largest difference goes into the note), at 2 threads like the SDK's
default. The same work per call as sdk/models/nested/sample.ts: the checkpoint's DDIM steps (40 per latent level,
20 at the pixels) with η = 1 on 16 rows; level 1 (no dropped condition) one call per step; levels 2–4 guided with
the default scale 2 (one call on 32 rows per step), the pixel level unguided (scale 1: one call on 16 rows); the
condition is the coarser latents and σ = 0 (σ² 0);
the pixel level also sees its spatial latent lifted to 32×32 and clips x̂₀. Median of HYPNEST_BENCH_REPS (3) after
one warm-up. Prints JSON {"rows": [...], torch, blas, onednn}.
"""
import os, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import emit, require_torch, suffix
torch = require_torch()
import torch_nets as N
from torch_nets_check import ROOT, nested_model, pixel_denoiser, run_checked

NAME = 'nested.levels(5).generate(16)'
THREADS, n = 2, 16


def default_guidance(L):
    """sdk/models/nested/config.ts defaultGuidance: 2 at every latent level, none at the pixels."""
    return [1.0] if L == 1 else [2.0] * (L - 1) + [1.0]


def main():
    reps = int(os.environ.get('HYPNEST_BENCH_REPS', 3))
    if not os.path.exists(os.path.join(ROOT, 'assets/nested/L5/nested.safetensors')):
        emit(torch, [{"name": NAME + suffix(THREADS), "note": "skipped: no shipped checkpoint assets/nested/L5"}])
        return
    cfg, p = nested_model(5)
    L, dims = cfg['levels'], cfg['dims']
    steps, lsteps = cfg['sample']['steps'], cfg['sample']['latentSteps']
    eta, leta = cfg['sample']['eta'], cfg['sample']['latentEta']
    ac = N.linear_alphas_cumprod(cfg['schedule']['trainSteps'])
    w = default_guidance(L)
    gen = torch.Generator().manual_seed(0)
    pix = pixel_denoiser(cfg, p)

    def call():
        latents = []
        with torch.no_grad():
            for level in range(1, L + 1):
                q = N.sub(p, f'level.{level}.')
                sig = torch.zeros(n, (level - 1) + (1 if level < L else 0))
                cond = torch.cat(latents + [sig], 1)
                den = pix if level == L else (lambda x, t, c, q=q: N.mlp_denoiser(q, x, t, c))
                if 'null.latent' in q and w[level - 1] != 1:
                    den = N.guided(den, w[level - 1], torch.cat([q['null.latent'].reshape(1, -1), sig[:1]], 1))
                if level == L:
                    x = torch.randn(n, 1, 32, 32, generator=gen)
                    return N.ddim(den, x, ac, steps, cond=cond, eta=eta, clip_x0=1, gen=gen).clamp(-1, 1)
                x = torch.randn(n, dims[level - 1], generator=gen)
                latents.append(N.ddim(den, x, ac, lsteps, cond=cond, eta=leta, gen=gen))

    run_checked(torch, NAME + suffix(THREADS), call, reps, THREADS, ['nested_level2', 'nested_pixel'], f"{lsteps} DDIM steps per latent level, {steps} at the pixels, guidance {w}")

if __name__ == '__main__':
    main()
