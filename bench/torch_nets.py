"""PyTorch ports of the SDK's network forwards, for the peers of bench/hyp.bench.ts and bench/nested.bench.ts.

Functional code over the SDK's own parameter names, loaded from the shipped safetensors (load_params):
  unet(p, x, t, cond)            sdk/nn/unet.ts (+ res-block, attention, norm, conv2d, dense, resample, time-embedding)
  hypdae_encoder(p, x)           sdk/models/hypdae/encoder.ts (stage I's semantic encoder, prefix 'enc')
  stage2_to_ball / from_ball     sdk/models/hypdae/stage2.ts (residual MLPs, ToPoincare, MobiusLinear, logmap0)
  mlp_denoiser(p, x, t, cond)    sdk/nn/mlp-denoiser.ts (the nested latent levels)
  spatial_lift(...)              sdk/models/nested/model.ts (the pixel level's extra input channels)
Images are NCHW here (NHWC in the SDK): convolution weights [k, k, in, out] become [out, in, k, k] at load, and the
SDK's NHWC flatten is reproduced where it matters (the encoder's dense layer). TensorFlow's 'same' padding of a
stride-2 convolution pads only after (bottom/right), so those convolutions pad (0, 1, 0, 1) explicitly.
bench/torch_nets_check.py compares these forwards with the SDK's on fixed inputs.
"""
import json, math, struct

import torch
import torch.nn.functional as F

MIN_NORM = 1e-15
BALL_EPS = 4e-3


def load_params(path, prefix=''):
    """name → float32 tensor of a safetensors file (names starting with `prefix`, which is removed).
    4-D weights [k, k, in, out] are returned as torch's [out, in, k, k]."""
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == '__metadata__' or not name.startswith(prefix):
            continue
        if info['dtype'] != 'F32':
            raise ValueError(f'{path}: {name} has dtype {info["dtype"]}, expected F32')
        a, b = info['data_offsets']
        t = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).reshape(info['shape'])
        if t.dim() == 4:
            t = t.permute(3, 2, 0, 1).contiguous()
        out[name[len(prefix):]] = t
    return out


def sub(p, prefix):
    """The entries of p under `prefix` (removed), as a new dict sharing the tensors."""
    return {k[len(prefix):]: v for k, v in p.items() if k.startswith(prefix)}


# ---- layers (sdk/nn) ----

def dense(p, name, x):
    return torch.addmm(p[name + '.b'], x.reshape(-1, x.shape[-1]), p[name + '.w']).reshape(*x.shape[:-1], -1)


def conv(p, name, x, stride=1):
    w = p[name + '.w']
    k = w.shape[-1]
    if stride == 2:  # TF 'same': total padding 1 for k 3 on even sizes, all of it after
        return F.conv2d(F.pad(x, (0, 1, 0, 1)), w, p[name + '.b'], stride=2)
    return F.conv2d(x, w, p[name + '.b'], padding=k // 2)


def group_norm_act(p, name, x, groups, act=True, scale=None, shift=None):
    y = F.group_norm(x, groups, p[name + '.g'], p[name + '.b'], eps=1e-5)
    if scale is not None:
        y = y * scale + shift
    return F.silu(y) if act else y


def layer_norm(p, name, x):
    return F.layer_norm(x, (x.shape[-1],), p[name + '.g'], p[name + '.b'], eps=1e-5)


def sinusoid(t, dim):
    half = dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float32) * (-math.log(10000) / half))
    a = t.float()[:, None] * freqs[None]
    return torch.cat([a.sin(), a.cos()], 1)


def cond_embedding(p, t, cond, batch):
    """conditionEmbedding of sdk/nn/unet.ts (before the caller's SiLU)."""
    dim = p['time.fc1.w'].shape[0]
    e = dense(p, 'time.fc2', F.silu(dense(p, 'time.fc1', sinusoid(t, dim))))
    if 'cond.proj.w' not in p:
        return e
    if cond is None:
        cond = p['cond.null'].reshape(1, -1).expand(batch, -1)
    return e + dense(p, 'cond.proj', cond)


def res_block(p, name, x, e, groups):
    h1 = conv(p, name + '.conv1', group_norm_act(p, name + '.norm1', x, groups))
    s, b = dense(p, name + '.emb', e)[:, :, None, None].chunk(2, 1)
    h = conv(p, name + '.conv2', group_norm_act(p, name + '.norm2', h1, groups, scale=s + 1, shift=b))
    skip = conv(p, name + '.skip', x) if name + '.skip.w' in p else x
    return skip + h


def image_attention(p, name, x, heads, groups):
    B, C, H, W = x.shape
    d = C // heads
    h = group_norm_act(p, name + '.norm', x, groups, act=False).flatten(2).transpose(1, 2)  # [B, N, C], N row-major
    q, k, v = dense(p, name + '.attn.qkv', h).reshape(B, H * W, 3, heads, d).permute(2, 0, 3, 1, 4)
    a = torch.softmax((q @ k.transpose(-1, -2)) * (1 / math.sqrt(d)), -1)
    o = dense(p, name + '.attn.out', (a @ v).transpose(1, 2).reshape(B, H * W, C))
    return x + o.transpose(1, 2).reshape(B, C, H, W)


def unet(p, cfg, x, t, cond=None):
    """unetForward: x [B, inCh, S, S], t [B] → ε [B, outCh, S, S]. cfg: channelMults, blocksPerLevel, attention, heads, groups."""
    mults, blocks, groups = cfg['channelMults'], cfg['blocksPerLevel'], cfg['groups']
    e = F.silu(cond_embedding(p, t, cond, x.shape[0]))
    h = conv(p, 'in.conv', x)
    hs = [h]
    for level in range(len(mults)):
        for i in range(blocks):
            h = res_block(p, f'down.{level}.res.{i}', h, e, groups); hs.append(h)
        if level < len(mults) - 1:
            h = conv(p, f'down.{level}.down.conv', h, 2); hs.append(h)
    h = res_block(p, 'mid.res.0', h, e, groups)
    if cfg['attention']:
        h = image_attention(p, 'mid.attn', h, cfg['heads'], groups)
    h = res_block(p, 'mid.res.1', h, e, groups)
    for level in reversed(range(len(mults))):
        for i in range(blocks + 1):
            h = res_block(p, f'up.{level}.res.{i}', torch.cat([h, hs.pop()], 1), e, groups)
        if level > 0:
            h = conv(p, f'up.{level}.up.conv', F.interpolate(h, scale_factor=2, mode='nearest'))
    return conv(p, 'out.conv', group_norm_act(p, 'out.norm', h, groups))


UNET_DEFAULTS = {'channelMults': [1, 2, 2], 'blocksPerLevel': 1, 'attention': True, 'heads': 4, 'groups': 8}


def unet_config(partial):
    return {**UNET_DEFAULTS, **{k: v for k, v in partial.items() if k in UNET_DEFAULTS}}


def mlp_denoiser(p, x, t, cond=None):
    """mlpDenoiserForward: x [B, dim] → [B, dim]."""
    e = F.silu(cond_embedding(p, t, cond, x.shape[0]))
    h = dense(p, 'in', x)
    i = 0
    while f'blocks.{i}.fc1.w' in p:
        s, b = dense(p, f'blocks.{i}.emb', e).chunk(2, 1)
        h = h + dense(p, f'blocks.{i}.fc2', F.silu(dense(p, f'blocks.{i}.fc1', layer_norm(p, f'blocks.{i}.norm', h) * (s + 1) + b)))
        i += 1
    return dense(p, 'out.fc', F.silu(layer_norm(p, 'out.norm', h)))


# ---- HypDAE ----

def _groups_for(ch):
    return next((g for g in (8, 4, 2) if ch % g == 0), 1)


def hypdae_encoder(p, x, prefix='enc'):
    """encoderForward: x [B, 1, 32, 32] → z [B, codeDim]."""
    h = F.silu(conv(p, f'{prefix}.in', x))
    for i in range(3):
        y = conv(p, f'{prefix}.down.{i}', h, 2)
        h = F.silu(F.group_norm(y, _groups_for(y.shape[1]), p[f'{prefix}.down.{i}.norm.g'], p[f'{prefix}.down.{i}.norm.b'], eps=1e-5))
    flat = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # the SDK flattens NHWC
    return layer_norm(p, f'{prefix}.ln', dense(p, f'{prefix}.out', flat))


def _norm(x):
    return x.pow(2).sum(-1, keepdim=True).clamp_min(MIN_NORM * MIN_NORM).sqrt()


def _artanh(x):
    z = x.clamp(-1 + 1e-6, 1 - 1e-6)
    return 0.5 * (torch.log1p(z) - torch.log1p(-z))


def project(x, c=1.0):
    return x * (((1 - BALL_EPS) / math.sqrt(c)) / _norm(x)).clamp_max(1.0)


def mobius_add(x, y, c=1.0):
    x2, y2, xy = x.pow(2).sum(-1, keepdim=True), y.pow(2).sum(-1, keepdim=True), (x * y).sum(-1, keepdim=True)
    num = (1 + 2 * c * xy + c * y2) * x + (1 - c * x2) * y
    return num / (1 + 2 * c * xy + c ** 2 * x2 * y2).clamp_min(MIN_NORM)


def expmap0(u, c=1.0):
    sc, n = math.sqrt(c), _norm(u)
    return torch.tanh((sc * n).clamp(-15, 15)) / (sc * n) * u


def logmap0(y, c=1.0):
    sc, n = math.sqrt(c), _norm(y)
    return _artanh(sc * n) / (sc * n) * y


def mobius_matvec(m, x, c=1.0):
    sc, xn = math.sqrt(c), _norm(x)
    mx = x @ m.t()
    mxn = _norm(mx)
    return project(torch.tanh((mxn / xn * _artanh(sc * xn)).clamp(-15, 15)) / (sc * mxn) * mx, c)


def _mlp(p, name, x, norm=True):
    ln = (lambda k, h: layer_norm(p, k, h)) if norm else (lambda k, h: h)
    h = dense(p, f'{name}.in', x)
    i = 0
    while f'{name}.block.{i}.fc1.w' in p:
        h = h + dense(p, f'{name}.block.{i}.fc2', F.silu(dense(p, f'{name}.block.{i}.fc1', ln(f'{name}.block.{i}.norm', h))))
        i += 1
    return dense(p, f'{name}.out', F.silu(ln(f'{name}.outnorm', h)))


def stage2_to_ball(p, z, clip_r=3.0, c=1.0):
    """toBall (hyperbolic stage II): MobiusLinear(project(expmap0(clip_r(MLP(z)))))."""
    u = _mlp(p, 'enc', z)
    u = u * (clip_r / _norm(u)).clamp_max(1.0)
    h = project(expmap0(u, c), c)
    return project(mobius_add(mobius_matvec(p['ball.weight'], h, c), expmap0(p['ball.bias'], c), c), c)


def stage2_from_ball(p, h, c=1.0, decoder_norm=True):
    return _mlp(p, 'dec', logmap0(h, c), norm=decoder_norm)


def rescale(R, x, c=1.0):
    sc = math.sqrt(c)
    return project(x / _norm(x) * (math.tanh(sc * R / 2) / sc), c)


def perturb_toward(h, target, distance, R, c=1.0):
    """A step of hyperbolic length `distance` from h toward target (both at radius R), back to radius R
    (sdk/hyperbolic/edits.ts perturb + rescale; the geodesic as x ⊕ (t ⊗ (−x ⊕ y)))."""
    sc = math.sqrt(c)
    diff = mobius_add(-h, target, c)
    dse = 2 / sc * _artanh(sc * _norm(diff))
    t = distance / dse.clamp_min(MIN_NORM)
    step = torch.tanh((t * _artanh(sc * _norm(diff))).clamp(-15, 15)) / (sc * _norm(diff)) * diff
    return rescale(R, project(mobius_add(h, step, c), c), c)


# ---- diffusion (sdk/diffusion) ----

def linear_alphas_cumprod(T=1000, beta_start=1e-4, beta_end=0.02):
    betas = torch.linspace(beta_start * 1000 / T, beta_end * 1000 / T, T, dtype=torch.float64)
    return torch.cumprod(1 - betas, 0)


def respace(ac, steps):
    """'leading' spacing with offset 1 (sdk/diffusion/respace.ts): (timesteps, ᾱ, ᾱ_prev)."""
    T = ac.shape[0]
    r = T // steps
    off = 1 if (steps - 1) * r + 1 <= T - 1 else 0
    ts = [i * r + off for i in range(steps)]
    a = [float(ac[t]) for t in ts]
    ap = [float(ac[0])] + a[:-1]
    return ts, a, ap


def guided(den, w, null_cond):
    """Classifier-free guidance in one call on 2B (sdk/diffusion/guidance.ts); w = 1: the plain denoiser."""
    if w == 1:
        return den

    def g(x, t, cond):
        B = x.shape[0]
        both = den(torch.cat([x, x]), torch.cat([t, t]), torch.cat([cond, null_cond.expand(B, -1)]))
        c, u = both[:B], both[B:]
        return u * (1 - w) + c * w
    return g


def ddim(den, x, ac, steps, cond=None, eta=0.0, clip_x0=None, gen=None):
    """DDIM sampling from the top step (sdk/diffusion/ddim.ts), ε-prediction."""
    ts, a_s, ap_s = respace(ac, steps)
    B = x.shape[0]
    for i in reversed(range(steps)):
        a, ap = a_s[i], ap_s[i]
        t = torch.full((B,), ts[i], dtype=torch.int64)
        eps = den(x, t, cond)
        x0 = (x - math.sqrt(1 - a) * eps) / math.sqrt(a)
        if clip_x0 is not None:
            x0 = x0.clamp(-clip_x0, clip_x0)
            eps = (x - x0 * math.sqrt(a)) / math.sqrt(1 - a)
        sigma = eta * math.sqrt((1 - ap) / (1 - a)) * math.sqrt(max(0.0, 1 - a / ap))
        x = x0 * math.sqrt(ap) + eps * math.sqrt(max(0.0, 1 - ap - sigma * sigma))
        if sigma > 0:
            x = x + sigma * torch.randn(x.shape, generator=gen)
    return x


def ddim_invert(den, x, ac, steps, cond, refine=2):
    """DDIM inversion with `refine` fixed-point iterations per step (sdk/diffusion/inversion.ts)."""
    ts, a_s, ap_s = respace(ac, steps)
    B = x.shape[0]
    for i in range(steps):
        a, ap = a_s[i], ap_s[i]
        t = torch.full((B,), ts[i], dtype=torch.int64)
        frm = x
        up = lambda eps: (frm - eps * math.sqrt(1 - ap)) / math.sqrt(ap) * math.sqrt(a) + eps * math.sqrt(1 - a)
        eps = den(frm, t, cond)
        x = up(eps)
        for _ in range(refine):
            eps = den(x, t, cond)
            x = up(eps)
    return x
