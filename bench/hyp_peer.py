"""PyTorch peer of bench/hyp.bench.ts: `hyp.encode(img).perturb(5.5).sample(8)` with the default settings, on the
same networks with the shipped weights (assets/hypdae, ported in bench/torch_nets.py; the port is checked against the
SDK's forwards, bench/torch_nets_check.py, and the largest difference goes into the note), at 2 threads like the SDK's
default. The same work per call as sdk/models/hypdae/pipeline.ts: encode the image; stage II toBall of it and of the
2,048-code target pool (random codes here: the SDK encodes real images once, then maps the pool on every call);
the 'auto' perturbation (rescale to R, a 4.9 step toward 8 drawn targets at R, back to R); fromBall; DDIM inversion of
the image (the checkpoint's 20 steps, 2 fixed-point refinements: 60 U-Net calls on 1 image); guided DDIM decode of the
8 codes (20 steps, guidance 2: one U-Net call on 16 images per step, x0 clipped). Median of HYPNEST_BENCH_REPS (3)
after one warm-up. Prints JSON {"rows": [...], torch, blas, onednn}.
"""
import json, os, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import emit, require_torch, suffix
torch = require_torch()
import torch_nets as N
from torch_nets_check import hypdae_models, run_checked

NAME = 'hyp.encode(img).perturb(5.5).sample(8)'
R, AUTO_STEP, POOL, THREADS = 5.5, 4.9, 2048, 2


def main():
    reps = int(os.environ.get('HYPNEST_BENCH_REPS', 3))
    if not os.path.exists(os.path.join(N.__file__.rsplit('/bench/', 1)[0], 'assets/hypdae/stage1.safetensors')):
        emit(torch, [{"name": NAME + suffix(THREADS), "note": "skipped: no shipped checkpoints in assets/hypdae"}])
        return
    c1, p1, c2, p2 = hypdae_models()
    ucfg = N.unet_config(c1['stage1']['unet'])
    steps, w = c1['sample']['steps'], c1['sample']['guidance']
    dec = N.sub(p1, 'dec.')
    ac = N.linear_alphas_cumprod(c1['stage1']['schedule']['trainSteps'])
    den = lambda x, t, cond: N.unet(dec, ucfg, x, t, cond)
    gen = torch.Generator().manual_seed(0)
    img = torch.sin(0.37 * torch.arange(1024.0)).reshape(1, 1, 32, 32)
    pool_codes = torch.nn.functional.layer_norm(torch.randn(POOL, c1['stage1']['codeDim'], generator=gen), (c1['stage1']['codeDim'],))
    clip_r, c, dnorm = c2['clipR'], c2['c'], c2['decoderNorm'] == 'layer'

    def call():
        with torch.no_grad():
            z = N.hypdae_encoder(p1, img)
            h = N.stage2_to_ball(p2, z, clip_r=clip_r, c=c)
            pool = N.stage2_to_ball(p2, pool_codes, clip_r=clip_r, c=c)
            targets = N.rescale(R, pool[torch.randint(0, POOL, (8,), generator=gen)], c)
            edited = N.perturb_toward(N.rescale(R, h.expand(8, -1), c), targets, AUTO_STEP, R, c)
            z8 = N.stage2_from_ball(p2, edited, c=c, decoder_norm=dnorm)
            xT = N.ddim_invert(den, img, ac, steps, z, refine=2)
            out = N.ddim(N.guided(den, w, p1['dec.cond.null'].reshape(1, -1)), xT.expand(8, -1, -1, -1), ac, steps, cond=z8, clip_x0=1)
            return out.clamp(-1, 1)

    what = f"DDIM {steps} steps (inversion with 2 refinements + decode), guidance {w}"
    run_checked(torch, NAME + suffix(THREADS), call, reps, THREADS, ['hyp_encoder', 'hyp_unet', 'hyp_to_ball', 'hyp_from_ball'], what)

if __name__ == '__main__':
    main()
