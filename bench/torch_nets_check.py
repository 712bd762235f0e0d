"""Checks bench/torch_nets.py against the SDK: runs bench/torch-nets-ref.ts (the SDK's forwards on fixed inputs, with
the shipped weights) and the PyTorch ports on the same inputs, and reports the largest absolute difference per
forward. Run: /usr/bin/python3 bench/torch_nets_check.py   (prints JSON; exit status 1 when a difference > TOL).
The peers of hyp and nested call check() and put the result in their row notes.
"""
import json, math, os, subprocess, sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch
import torch.nn.functional as F
import torch_nets as N

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOL = 1e-3


def wave(n, k, scale=1.0):
    return scale * torch.sin(0.37 * torch.arange(n, dtype=torch.float64) + k).float()


def nchw(flat, B, S=32, C=1):
    return flat.reshape(B, S, S, C).permute(0, 3, 1, 2).contiguous()


def to_flat_nhwc(y):
    return y.permute(0, 2, 3, 1).reshape(-1) if y.dim() == 4 else y.reshape(-1)


def hypdae_models():
    s1 = json.load(open(os.path.join(ROOT, 'assets/hypdae/stage1.json')))
    p1 = N.load_params(os.path.join(ROOT, 'assets/hypdae/stage1.safetensors'))
    p2 = N.load_params(os.path.join(ROOT, 'assets/hypdae/stage2-hyperbolic-pseudo.safetensors'))
    s2 = json.load(open(os.path.join(ROOT, 'assets/hypdae/stage2-hyperbolic-pseudo.json')))
    return s1['config'], p1, s2['config']['stage2'], p2


def nested_model(L=5):
    cfg = json.load(open(os.path.join(ROOT, f'assets/nested/L{L}/nested.json')))['config']['nested']
    p = N.load_params(os.path.join(ROOT, f'assets/nested/L{L}/nested.safetensors'))
    return cfg, p


FEATURE_MAP = {'code': None, 'deep': (4, 4, 64), 'mid': (4, 4, 32), 'shallow': (8, 8, 16)}


def pixel_spatial(cfg):
    """(level, offset in cond, map) of the pixel level's spatial input (sdk/models/nested/config.ts pixelSpatialLevel)."""
    if not cfg.get('pixelSpatial'):
        return None
    L = cfg['levels']
    levels = list(range(1, L)) if cfg.get('conditioning', 'all') != 'markov' else [L - 1]
    for i in reversed(range(len(levels))):
        m = FEATURE_MAP[cfg['features'][levels[i] - 1]]
        if m:
            return levels[i], sum(cfg['dims'][l - 1] for l in levels[:i]), m
    return None


def spatial_lift(cfg, p, cond, size=32):
    level, off, (h, w, ch) = pixel_spatial(cfg)
    d = cfg['dims'][level - 1]
    basis = p[f'latent.{level}.basis']
    s2 = d / basis.pow(2).sum()
    f = (cond[:, off:off + d] @ basis.t()) * s2
    return F.interpolate(f.reshape(-1, h, w, ch).permute(0, 3, 1, 2), size=(size, size), mode='nearest')


def pixel_denoiser(cfg, p):
    net = N.sub(p, f"level.{cfg['levels']}.")
    ucfg = N.unet_config(cfg['unet'])
    if pixel_spatial(cfg) is None:
        return lambda x, t, cond: N.unet(net, ucfg, x, t, cond)
    return lambda x, t, cond: N.unet(net, ucfg, torch.cat([x, spatial_lift(cfg, p, cond, x.shape[-1])], 1), t, cond)


def ours():
    """The PyTorch ports on the inputs of bench/torch-nets-ref.ts."""
    B = 4
    t = torch.tensor([999, 500, 21, 1])
    out = {}
    with torch.no_grad():
        c1, p1, c2, p2 = hypdae_models()
        x = nchw(wave(B * 1024, 0), B)
        z = N.hypdae_encoder(p1, x)
        out['hyp_encoder'] = z
        dec = N.sub(p1, 'dec.')
        out['hyp_unet'] = N.unet(dec, N.unet_config(c1['stage1']['unet']), x, t, z)
        h = N.stage2_to_ball(p2, z, clip_r=c2['clipR'], c=c2['c'])
        out['hyp_to_ball'] = h
        out['hyp_from_ball'] = N.stage2_from_ball(p2, h, c=c2['c'], decoder_norm=c2['decoderNorm'] == 'layer')
        cfg, p = nested_model()
        d1, d2 = cfg['dims'][0], cfg['dims'][1]
        cond2 = wave(B * (d1 + 2), 1, 0.5).reshape(B, d1 + 2)
        out['nested_level2'] = N.mlp_denoiser(N.sub(p, 'level.2.'), wave(B * d2, 2).reshape(B, d2), t, cond2)
        condL = p[f"level.{cfg['levels']}.cond.proj.w"].shape[0]
        cond5 = wave(B * condL, 3, 0.5).reshape(B, condL)
        out['nested_pixel'] = pixel_denoiser(cfg, p)(nchw(wave(B * 1024, 4), B), t, cond5)
    return {k: to_flat_nhwc(v) for k, v in out.items()}


def check():
    """{forward: max |PyTorch − SDK|, ..., 'max': overall, 'sdk': the SDK path} (or {'error': ...})."""
    r = subprocess.run(['node', '--require', 'tsx/cjs', os.path.join(ROOT, 'bench/torch-nets-ref.ts')], cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return {'error': f'bench/torch-nets-ref.ts failed: {r.stderr.strip().splitlines()[-1:]}'}
    ref = json.loads(r.stdout.strip().splitlines()[-1])
    mine = ours()
    res = {}
    for k, v in mine.items():
        s = torch.tensor(ref[k], dtype=torch.float32)
        if s.shape != v.shape:
            res[k] = float('inf')
            continue
        res[k] = float((v - s).abs().max())
    res['max'] = max(res.values())
    res['sdk'] = ref.get('sdk', '?')
    return res


def summary(res, keys):
    if 'error' in res:
        return f"port not checked ({res['error']})"
    parts = ', '.join(f'{k} {res[k]:.1e}' for k in keys)
    return f"port checked against the SDK forward on fixed inputs: max |diff| {parts}"


def run_checked(torch, name, call, reps, threads, keys, what):
    """Times call (median of reps after a warm-up) at `threads`, runs check(), and prints the peer's JSON line."""
    from peer_common import emit, set_threads, timed
    set_threads(torch, threads)
    ms = timed(reps, call)
    note = f"torch {threads} threads, shipped weights, {what}, median of {reps}; {summary(check(), keys)}"
    emit(torch, [{"name": name, "ms": ms, "note": note}])


if __name__ == '__main__':
    res = check()
    print(json.dumps(res))
    sys.exit(0 if 'error' not in res and res['max'] <= TOL else 1)
