// hypnest's native CPU kernels: oneDNN convolution (forward, backward data, backward weights) and matrix
// products, and our own group norm (forward and backward, OpenMP), called from TensorFlow.js kernels registered over the wasm backend (sdk/core/native/).
//
// Every tensor argument is a Float32Array view of the wasm heap (or any Float32Array): the kernels read and
// write in place, no copies. Layouts are TensorFlow.js's: activations NHWC, filters [fh, fw, ci, co] (HWIO),
// matrices row-major. oneDNN chooses its own filter layout (format_tag::any); filters are reordered to and
// from it around each call (they are small next to activations).
//
// Primitives are cached per thread, keyed by shape and attributes (creating one costs far more than running
// a small one). Threads: oneDNN here is Debian's build with the OpenMP runtime; setThreads(n) sets the
// calling thread's OpenMP team size, which oneDNN uses for every primitive that thread runs.
#include <node_api.h>
#include <omp.h>
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#include <dnnl.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

struct Ctx {
  engine eng{engine::kind::cpu, 0};
  stream strm{eng};
};

Ctx &ctx() {
  thread_local Ctx c;
  return c;
}

// ---------- N-API helpers ----------

struct ArgError {
  std::string msg;
};

// The data of a typed array of the given type (throws ArgError with `what` otherwise); its length in *len.
void *typed(napi_env env, napi_value v, napi_typedarray_type want, const std::string &what, size_t *len) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) throw ArgError{"expected " + what};
  napi_typedarray_type type;
  void *data;
  napi_value buf;
  size_t offset;
  napi_get_typedarray_info(env, v, &type, len, &data, &buf, &offset);
  if (type != want) throw ArgError{"expected " + what};
  return data;
}

float *f32(napi_env env, napi_value v) {
  size_t len;
  return static_cast<float *>(typed(env, v, napi_float32_array, "a Float32Array", &len));
}

float *f32OrNull(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_null || t == napi_undefined) return nullptr;
  return f32(env, v);
}

std::vector<int64_t> ints(napi_env env, napi_value v, size_t expected) {
  const std::string what = "an Int32Array of " + std::to_string(expected) + " dimensions";
  size_t length;
  const int32_t *p = static_cast<const int32_t *>(typed(env, v, napi_int32_array, what, &length));
  if (length != expected) throw ArgError{what + ", received " + std::to_string(length)};
  return std::vector<int64_t>(p, p + length);
}

std::vector<napi_value> args(napi_env env, napi_callback_info info, size_t n) {
  std::vector<napi_value> a(n);
  size_t argc = n;
  napi_get_cb_info(env, info, &argc, a.data(), nullptr, nullptr);
  if (argc < n) throw ArgError{"expected " + std::to_string(n) + " arguments, received " + std::to_string(argc)};
  return a;
}

// The cache key of a primitive: its kind, dimensions, attributes and the thread count. oneDNN fixes a
// primitive's work split when it is created, so a primitive made for 1 thread keeps using 1 thread.
std::string keyOf(char kind, const std::vector<int64_t> &d, int extra = 0) {
  std::string k(1, kind);
  for (int64_t v : d) k += std::to_string(v) + ',';
  k += std::to_string(extra) + 't' + std::to_string(omp_get_max_threads());
  return k;
}

template <typename F>
napi_value guarded(napi_env env, F f) {
  try {
    f();
  } catch (const ArgError &e) {
    napi_throw_type_error(env, nullptr, ("hypnest_dnnl: " + e.msg).c_str());
  } catch (const dnnl::error &e) {
    napi_throw_error(env, nullptr, (std::string("hypnest_dnnl: oneDNN: ") + e.what()).c_str());
  } catch (const std::exception &e) {
    napi_throw_error(env, nullptr, (std::string("hypnest_dnnl: ") + e.what()).c_str());
  }
  return nullptr;
}

// ---------- convolution ----------
// dims: N, H, W, Ci, Co, fh, fw, sh, sw, dh, dw, padTop, padLeft, padBottom, padRight, Ho, Wo
constexpr size_t CONV_DIMS = 17;

struct ConvShape {
  memory::dims src, wts, bias, dst, strides, dilates, padL, padR;
  explicit ConvShape(const std::vector<int64_t> &d) {
    const int64_t N = d[0], H = d[1], W = d[2], Ci = d[3], Co = d[4], fh = d[5], fw = d[6];
    src = {N, Ci, H, W};
    wts = {Co, Ci, fh, fw};
    bias = {Co};
    dst = {N, Co, d[15], d[16]};
    strides = {d[7], d[8]};
    dilates = {d[9] - 1, d[10] - 1};  // oneDNN counts the gaps: 0 means no dilation
    padL = {d[11], d[12]};
    padR = {d[13], d[14]};
  }
  convolution_forward::primitive_desc forward(bool withBias) const {
    const engine &eng = ctx().eng;
    memory::desc s(src, dt::f32, tag::nhwc), w(wts, dt::f32, tag::any), o(dst, dt::f32, tag::nhwc);
    memory::desc b = withBias ? memory::desc(bias, dt::f32, tag::a) : memory::desc();
    convolution_forward::desc desc(prop_kind::forward_training, algorithm::convolution_direct, s, w, b, o, strides,
                                   dilates, padL, padR);
    return convolution_forward::primitive_desc(desc, eng);
  }
  // convolution_backward_data or convolution_backward_weights, hinted by the forward primitive
  template <typename P>
  typename P::primitive_desc backward() const {
    memory::desc s(src, dt::f32, tag::nhwc), w(wts, dt::f32, tag::any), o(dst, dt::f32, tag::nhwc);
    typename P::desc desc(algorithm::convolution_direct, s, w, o, strides, dilates, padL, padR);
    return typename P::primitive_desc(desc, ctx().eng, forward(false));
  }
  memory::desc userWeights() const { return memory::desc(wts, dt::f32, tag::hwio); }
};

// The filter in oneDNN's chosen layout, reordered from/to the user's HWIO buffer when the layouts differ.
struct Weights {
  memory user, mine;
  std::unique_ptr<reorder> toMine, toUser;
  Weights(const memory::desc &userMd, const memory::desc &chosen, bool in, bool out) {
    const engine &eng = ctx().eng;
    user = memory(userMd, eng, nullptr);
    if (chosen == userMd) {
      mine = user;
      return;
    }
    mine = memory(chosen, eng);
    if (in) toMine = std::make_unique<reorder>(user, mine);
    if (out) toUser = std::make_unique<reorder>(mine, user);
  }
  void load(float *p, stream &s) {
    user.set_data_handle(p);
    if (toMine) toMine->execute(s, user, mine);
  }
  void bind(float *p) { user.set_data_handle(p); }
  void store(stream &s) {
    if (toUser) toUser->execute(s, mine, user);
  }
};

struct ConvFwd {
  convolution_forward prim;
  memory src, bias, dst;
  Weights w;
  ConvFwd(const ConvShape &c, const convolution_forward::primitive_desc &pd, bool withBias)
      : prim(pd), w(c.userWeights(), pd.weights_desc(), true, false) {
    const engine &eng = ctx().eng;
    src = memory(pd.src_desc(), eng, nullptr);
    dst = memory(pd.dst_desc(), eng, nullptr);
    if (withBias) bias = memory(pd.bias_desc(), eng, nullptr);
  }
};

// The convolution gradients: P = convolution_backward_data (dx from dy and the filter) or
// convolution_backward_weights (dw from x and dy). `act` is dx or x (NHWC), `w` the filter or its gradient.
template <typename P>
struct ConvBwd {
  static constexpr bool data = std::is_same<P, convolution_backward_data>::value;
  static constexpr char kind = data ? 'd' : 'w';
  typename P::primitive_desc pd;
  P prim;
  memory act, diffDst;
  Weights w;
  explicit ConvBwd(const ConvShape &c)
      : pd(c.backward<P>()), prim(pd), w(c.userWeights(), data ? pd.weights_desc() : pd.diff_weights_desc(), data, !data) {
    act = memory(data ? pd.diff_src_desc() : pd.src_desc(), ctx().eng, nullptr);
    diffDst = memory(pd.diff_dst_desc(), ctx().eng, nullptr);
  }
  // data: (dy, filter, dx); weights: (x, dy, dw)
  void run(float *p0, float *p1, float *out, stream &s) {
    if (data) {
      w.load(p1, s);
      diffDst.set_data_handle(p0);
      act.set_data_handle(out);
      prim.execute(s, {{DNNL_ARG_DIFF_DST, diffDst}, {DNNL_ARG_WEIGHTS, w.mine}, {DNNL_ARG_DIFF_SRC, act}});
    } else {
      act.set_data_handle(p0);
      diffDst.set_data_handle(p1);
      w.bind(out);
      prim.execute(s, {{DNNL_ARG_SRC, act}, {DNNL_ARG_DIFF_DST, diffDst}, {DNNL_ARG_DIFF_WEIGHTS, w.mine}});
      w.store(s);
    }
  }
};

template <typename T>
std::unordered_map<std::string, std::unique_ptr<T>> &cache() {
  thread_local std::unordered_map<std::string, std::unique_ptr<T>> m;
  return m;
}

template <typename T, typename Make>
T &cached(const std::string &key, Make make) {
  auto &m = cache<T>();
  auto it = m.find(key);
  if (it != m.end()) return *it->second;
  auto made = make();
  T &ref = *made;
  m.emplace(key, std::move(made));
  return ref;
}

// conv2d(x, filter, bias | null, y, dims)
napi_value Conv2d(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 5);
    float *x = f32(env, a[0]), *w = f32(env, a[1]), *b = f32OrNull(env, a[2]), *y = f32(env, a[3]);
    auto d = ints(env, a[4], CONV_DIMS);
    ConvFwd &k = cached<ConvFwd>(keyOf('f', d, b != nullptr), [&] {
      ConvShape c(d);
      return std::make_unique<ConvFwd>(c, c.forward(b != nullptr), b != nullptr);
    });
    stream &s = ctx().strm;
    k.w.load(w, s);
    k.src.set_data_handle(x);
    k.dst.set_data_handle(y);
    std::unordered_map<int, memory> m{{DNNL_ARG_SRC, k.src}, {DNNL_ARG_WEIGHTS, k.w.mine}, {DNNL_ARG_DST, k.dst}};
    if (b) {
      k.bias.set_data_handle(b);
      m.emplace(DNNL_ARG_BIAS, k.bias);
    }
    k.prim.execute(s, m);
    s.wait();
  });
}

// conv2dBackpropInput(dy, filter, dx, dims) and conv2dBackpropFilter(x, dy, dw, dims)
template <typename T>
napi_value ConvBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 4);
    float *p0 = f32(env, a[0]), *p1 = f32(env, a[1]), *out = f32(env, a[2]);
    auto d = ints(env, a[3], CONV_DIMS);
    T &k = cached<T>(keyOf(T::kind, d), [&] { return std::make_unique<T>(ConvShape(d)); });
    stream &s = ctx().strm;
    k.run(p0, p1, out, s);
    s.wait();
  });
}

// ---------- matrix product ----------
// dims: batchA, batchB, M, K, N, transposeA, transposeB   (batch of 1 broadcasts; out batch = max)
constexpr size_t MM_DIMS = 7;

struct MatMul {
  matmul prim;
  memory a, b, bias, c;
  MatMul(const std::vector<int64_t> &d, bool withBias) {
    const engine &eng = ctx().eng;
    const int64_t ba = d[0], bb = d[1], M = d[2], K = d[3], N = d[4];
    const bool ta = d[5] != 0, tb = d[6] != 0;
    const int64_t batch = std::max(ba, bb);
    memory::desc am({ba, M, K}, dt::f32, ta ? memory::dims{M * K, 1, M} : memory::dims{M * K, K, 1});
    memory::desc bm({bb, K, N}, dt::f32, tb ? memory::dims{K * N, 1, K} : memory::dims{K * N, N, 1});
    memory::desc cm({batch, M, N}, dt::f32, memory::dims{M * N, N, 1});
    memory::desc biasm = withBias ? memory::desc({1, 1, N}, dt::f32, memory::dims{N, N, 1}) : memory::desc();
    matmul::primitive_desc pd(matmul::desc(am, bm, biasm, cm), eng);
    prim = matmul(pd);
    a = memory(am, eng, nullptr);
    b = memory(bm, eng, nullptr);
    c = memory(cm, eng, nullptr);
    if (withBias) bias = memory(biasm, eng, nullptr);
  }
};

// Runs a small primitive on the calling thread alone: waking the other OpenMP threads (passive waiting, see
// sdk/core/native/addon.ts) costs more than they save below about 2^24 multiply-adds (the latent levels' MLPs,
// [32, 256] x [256, 512]: measured 131 ms at 1 thread vs 170 ms at 2 over a nested generate(16)).
struct SmallWork {
  int before = 0;
  explicit SmallWork(double macs) {
    if (macs < double(1 << 24) && omp_get_max_threads() > 1) {
      before = omp_get_max_threads();
      omp_set_num_threads(1);
    }
  }
  ~SmallWork() {
    if (before) omp_set_num_threads(before);
  }
};

// Runs the cached primitive of dims d on a, b, bias (or null) into c.
void runMatMul(const std::vector<int64_t> &d, float *pa, float *pb, float *bias, float *pc) {
  MatMul &k = cached<MatMul>(keyOf('m', d, bias != nullptr), [&] { return std::make_unique<MatMul>(d, bias != nullptr); });
  stream &s = ctx().strm;
  k.a.set_data_handle(pa);
  k.b.set_data_handle(pb);
  k.c.set_data_handle(pc);
  std::unordered_map<int, memory> m{{DNNL_ARG_SRC, k.a}, {DNNL_ARG_WEIGHTS, k.b}, {DNNL_ARG_DST, k.c}};
  if (bias) {
    k.bias.set_data_handle(bias);
    m.emplace(DNNL_ARG_BIAS, k.bias);
  }
  k.prim.execute(s, m);
  s.wait();
}

// oneDNN's f32 gemm on AVX2 CPUs works through A in blocks of 6 rows, and a last block of 1–3 rows goes through
// another kernel whose sums differ in the last bits: a row's product would depend on how many rows came with it (a
// batch of 7 images against one of 3). Measured here: every row is the same as in a larger product when M mod 6 is
// 0, 4 or 5. Other products run on A padded with zero rows to the next M with M mod 6 = 4; the first M rows are kept.
constexpr int64_t ROW_BLOCK = 6;
int64_t paddedRows(int64_t M) {
  const int64_t r = M % ROW_BLOCK;
  return r >= 1 && r <= 3 ? M + 4 - r : M;
}

// matmul(a, b, bias | null, out, dims)
napi_value MatMulFn(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 5);
    float *pa = f32(env, a[0]), *pb = f32(env, a[1]), *bias = f32OrNull(env, a[2]), *pc = f32(env, a[3]);
    auto d = ints(env, a[4], MM_DIMS);
    const int64_t ba = d[0], M = d[2], K = d[3], N = d[4], batch = std::max(d[0], d[1]);
    const int64_t P = paddedRows(M);
    const SmallWork small(double(batch) * P * K * N);
    if (P == M) return runMatMul(d, pa, pb, bias, pc);
    const bool ta = d[5] != 0;
    // Scratch kept between calls, per thread (workers may call too): fresh buffers would fault in their pages on every
    // call, which on large products cost more than the product itself.
    thread_local std::vector<float> ap, cp;
    ap.resize(std::max(ap.size(), size_t(ba * P * K)));
    cp.resize(std::max(cp.size(), size_t(batch * P * N)));
    for (int64_t b = 0; b < ba; b++) {
      float *dst = ap.data() + b * P * K;
      if (!ta) std::copy_n(pa + b * M * K, M * K, dst);  // rows are contiguous: one copy per batch
      else
        for (int64_t i = 0; i < M; i++)
          for (int64_t j = 0; j < K; j++) dst[i * K + j] = pa[b * M * K + j * M + i];
      std::fill(dst + M * K, dst + P * K, 0.f);  // the padding rows
    }
    std::vector<int64_t> padded(d);
    padded[2] = P;
    padded[5] = 0;
    runMatMul(padded, ap.data(), pb, bias, cp.data());
    for (int64_t b = 0; b < batch; b++) std::copy_n(cp.data() + b * P * N, M * N, pc + b * M * N);
  });
}

// ---------- group norm with a per-sample affine (forward and backward) ----------
// The same computation as sdk/core/grad/wasm-group-norm.ts (see the formulas there), per sample on OpenMP
// threads, with the per-channel sums in double. dims: B, S (spatial size), C, G.
constexpr size_t GN_DIMS = 4;

struct GnArgs {
  int64_t B, S, C, G, Cg;
  const float *gamma, *beta, *scale, *shift;
  // P = r·γ·s and Q = β·s + t − μ·P for sample b (u = x·P + Q), from its groups' mean and 1/std
  void affine(int64_t b, const float *mean, const float *rstd, float *P, float *Q) const {
    for (int64_t c = 0; c < C; c++) {
      const int64_t g = b * G + c / Cg;
      const double sc = scale ? scale[b * C + c] : 1.0;
      const double p = double(rstd[g]) * gamma[c] * sc;
      P[c] = float(p);
      Q[c] = float(beta[c] * sc + (shift ? shift[b * C + c] : 0.0) - mean[g] * p);
    }
  }
};

GnArgs gnArgs(const std::vector<int64_t> &d, const float *gamma, const float *beta, const float *scale, const float *shift) {
  if (d[0] < 1 || d[1] < 1 || d[2] < 1 || d[3] < 1 || d[2] % d[3] != 0)
    throw ArgError{"group norm dims [B, S, C, G] with C divisible by G"};
  return GnArgs{d[0], d[1], d[2], d[3], d[2] / d[3], gamma, beta, scale, shift};
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void channelSums(const float *X, int64_t S, int64_t C, double *sum,
                                                                               double *sq) {
  for (int64_t s = 0; s < S; s++) {
    const float *row = X + s * C;
#pragma omp simd
    for (int64_t c = 0; c < C; c++) {
      const double v = row[c];
      sum[c] += v;
      sq[c] += v * v;
    }
  }
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void affineRows(const float *X, float *U, int64_t S, int64_t C,
                                                                              const float *P, const float *Q) {
  for (int64_t s = 0; s < S; s++) {
    const float *x = X + s * C;
    float *u = U + s * C;
#pragma omp simd
    for (int64_t c = 0; c < C; c++) u[c] = x[c] * P[c] + Q[c];
  }
}

// exp(x) for |x| <= 87, branch-free so that loops over it vectorize: Cephes' expf (x = n·ln2 + r, a degree-6
// polynomial in r, 2^n from the exponent bits); about 1 ulp, like the wasm kernels' own approximations. It
// vectorizes with -fno-trapping-math (binding.gyp): otherwise GCC keeps the clamps as branches.
inline __attribute__((always_inline)) float expApprox(float x) {
  x = x < -87.0f ? -87.0f : x > 87.0f ? 87.0f : x;
  const int32_t n = int32_t(x * 1.44269504088896341f + 128.5f) - 128;  // floor(x·log2e + 0.5): the sum is > 0
  const float nf = float(n);
  const float r = x - nf * 0.693359375f + nf * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  return p * __builtin_bit_cast(float, (n + 127) << 23);
}

// SiLU in place over a sample's rows: sig = σ(u), u ← u·sig (the fused group norm's act = silu).
__attribute__((target_clones("avx512f", "avx2", "default"))) void siluRows(float *U, float *SIG, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) {
    const float u = U[i];
    const float s = 1.0f / (1.0f + expApprox(-u));
    SIG[i] = s;
    U[i] = u * s;
  }
}

// groupNorm(x, gamma, beta, scale | null, shift | null, u, mean, rstd, dims, eps, sig | null)
// With sig, the activation is SiLU: u receives u·σ(u) and sig receives σ(u) (kept for the gradient).
napi_value GroupNorm(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 11);
    const float *x = f32(env, a[0]);
    float *u = f32(env, a[5]), *mean = f32(env, a[6]), *rstd = f32(env, a[7]), *sig = f32OrNull(env, a[10]);
    const GnArgs g = gnArgs(ints(env, a[8], GN_DIMS), f32(env, a[1]), f32(env, a[2]), f32OrNull(env, a[3]), f32OrNull(env, a[4]));
    double eps = 0;
    if (napi_get_value_double(env, a[9], &eps) != napi_ok) throw ArgError{"eps as a number"};
    const double M = double(g.S * g.Cg);
#pragma omp parallel
    {
      std::vector<double> sum(g.C), sq(g.C);
      std::vector<float> P(g.C), Q(g.C);
#pragma omp for schedule(static)
      for (int64_t b = 0; b < g.B; b++) {
        std::fill(sum.begin(), sum.end(), 0.0);
        std::fill(sq.begin(), sq.end(), 0.0);
        const float *X = x + b * g.S * g.C;
        channelSums(X, g.S, g.C, sum.data(), sq.data());
        for (int64_t k = 0; k < g.G; k++) {
          double s1 = 0, s2 = 0;
          for (int64_t c = k * g.Cg; c < (k + 1) * g.Cg; c++) {
            s1 += sum[c];
            s2 += sq[c];
          }
          const double mu = s1 / M;
          const double var = std::max(s2 / M - mu * mu, 0.0);
          mean[b * g.G + k] = float(mu);
          rstd[b * g.G + k] = float(1.0 / std::sqrt(var + eps));
        }
        g.affine(b, mean, rstd, P.data(), Q.data());
        affineRows(X, u + b * g.S * g.C, g.S, g.C, P.data(), Q.data());
        if (sig) siluRows(u + b * g.S * g.C, sig + b * g.S * g.C, g.S * g.C);
      }
    }
  });
}

// pass 1 of the backward: gOut = ∂L/∂u (through SiLU when sig is given, u = x·P + Q recomputed), Σg, Σg·x
__attribute__((target_clones("avx512f", "avx2", "default"))) void gradSums(const float *DY, const float *X, const float *SIG, float *G,
                                                                            int64_t S, int64_t C, const float *P, const float *Q,
                                                                            double *sg, double *sgx) {
  for (int64_t s = 0; s < S; s++) {
    const int64_t o = s * C;
    if (SIG) {
#pragma omp simd
      for (int64_t c = 0; c < C; c++) {
        const float xv = X[o + c], sv = SIG[o + c];
        const float uu = xv * P[c] + Q[c];
        const float gv = DY[o + c] * sv * (1.0f + uu * (1.0f - sv));
        G[o + c] = gv;
        sg[c] += gv;
        sgx[c] += double(gv) * xv;
      }
    } else {
#pragma omp simd
      for (int64_t c = 0; c < C; c++) {
        const float gv = DY[o + c];
        G[o + c] = gv;
        sg[c] += gv;
        sgx[c] += double(gv) * X[o + c];
      }
    }
  }
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void gradRows(float *DX, const float *X, int64_t S, int64_t C,
                                                                            const float *P, const float *K1, const float *K0) {
  for (int64_t s = 0; s < S; s++) {
    float *dx = DX + s * C;
    const float *x = X + s * C;
#pragma omp simd
    for (int64_t c = 0; c < C; c++) dx[c] = dx[c] * P[c] + x[c] * K1[c] + K0[c];
  }
}

// groupNormGrad(dy, x, sig | null, gamma, beta, scale | null, shift | null, mean, rstd, dx, sumXhat, sumG, dims)
napi_value GroupNormGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 13);
    const float *dy = f32(env, a[0]), *x = f32(env, a[1]), *sig = f32OrNull(env, a[2]);
    const float *mean = f32(env, a[7]), *rstd = f32(env, a[8]);
    float *dx = f32(env, a[9]), *sx = f32(env, a[10]), *sgOut = f32(env, a[11]);
    const GnArgs g = gnArgs(ints(env, a[12], GN_DIMS), f32(env, a[3]), f32(env, a[4]), f32OrNull(env, a[5]), f32OrNull(env, a[6]));
    const double M = double(g.S * g.Cg);
#pragma omp parallel
    {
      std::vector<double> sg(g.C), sgx(g.C);
      std::vector<float> P(g.C), Q(g.C), k1(g.C), k0(g.C);
#pragma omp for schedule(static)
      for (int64_t b = 0; b < g.B; b++) {
        g.affine(b, mean, rstd, P.data(), Q.data());
        std::fill(sg.begin(), sg.end(), 0.0);
        std::fill(sgx.begin(), sgx.end(), 0.0);
        const int64_t base = b * g.S * g.C;
        gradSums(dy + base, x + base, sig ? sig + base : nullptr, dx + base, g.S, g.C, P.data(), Q.data(), sg.data(), sgx.data());
        for (int64_t k = 0; k < g.G; k++) {
          const double mu = mean[b * g.G + k], r = rstd[b * g.G + k];
          double m1 = 0, m2 = 0;
          for (int64_t c = k * g.Cg; c < (k + 1) * g.Cg; c++) {
            const double A = double(g.gamma[c]) * (g.scale ? g.scale[b * g.C + c] : 1.0);
            const double sxh = r * (sgx[c] - mu * sg[c]);
            sx[b * g.C + c] = float(sxh);
            sgOut[b * g.C + c] = float(sg[c]);
            m1 += A * sg[c];
            m2 += A * sxh;
          }
          m1 /= M;
          m2 /= M;
          for (int64_t c = k * g.Cg; c < (k + 1) * g.Cg; c++) {
            k1[c] = float(-r * r * m2);
            k0[c] = float(-r * m1 + r * r * m2 * mu);
          }
        }
        gradRows(dx + base, x + base, g.S, g.C, P.data(), k1.data(), k0.data());
      }
    }
  });
}

// ---------- reduction (sum over any axes) and transpose ----------
// Both take a shape already collapsed (adjacent axes of the same kind merged) by the caller.

// Arguments (x, out, sizes, per-axis Int32Array) of the two.
struct ShapeOp {
  const float *x;
  float *out;
  const int32_t *sizes, *flags;
  size_t n;
  ShapeOp(napi_env env, napi_callback_info info, const std::string &what) {
    auto a = args(env, info, 4);
    x = f32(env, a[0]);
    out = f32(env, a[1]);
    n = 0;
    size_t nf = 0;
    sizes = static_cast<const int32_t *>(typed(env, a[2], napi_int32_array, "an Int32Array of sizes", &n));
    flags = static_cast<const int32_t *>(typed(env, a[3], napi_int32_array, "an Int32Array of " + what, &nf));
    if (n == 0 || nf != n) throw ArgError{"sizes and " + what + " of the same non-zero length"};
  }
};

// sum(x, out, sizes, reduced): sizes[i] of segment i, reduced[i] != 0 when it is summed over. Sums in double.
napi_value SumAxes(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    const auto [x, out, sz, red, n] = ShapeOp(env, info, "reduced flags");
    // the last segment is done as a contiguous row of L; the others are the prefix, walked by p
    const int64_t L = sz[n - 1];
    const bool lastKept = red[n - 1] == 0;
    std::vector<int64_t> outStride(n, 0);
    int64_t outSize = 1;
    for (size_t i = n; i-- > 0;) {
      if (red[i]) continue;
      outStride[i] = outSize;
      outSize *= sz[i];
    }
    int64_t prefix = 1;
    for (size_t i = 0; i + 1 < n; i++) prefix *= sz[i];
    const int64_t first = n > 1 ? sz[0] : 1, rest = n > 1 ? prefix / first : 1;
    auto outOffset = [&](int64_t p) {
      int64_t off = 0;
      for (size_t i = n - 1; i-- > 0;) {
        off += (p % sz[i]) * outStride[i];
        p /= sz[i];
      }
      return off;
    };
    auto accumulate = [&](double *acc, int64_t p) {
      const float *row = x + p * L;
      const int64_t off = outOffset(p);
      if (lastKept) {
        double *o = acc + off;
#pragma omp simd
        for (int64_t j = 0; j < L; j++) o[j] += row[j];
      } else {
        double t = 0;
#pragma omp simd reduction(+ : t)
        for (int64_t j = 0; j < L; j++) t += row[j];
        acc[off] += t;
      }
    };
    std::vector<double> acc(outSize, 0.0);
    if (n > 1 && !red[0]) {
      // disjoint outputs per index of the first (kept) segment
#pragma omp parallel for schedule(static)
      for (int64_t i = 0; i < first; i++)
        for (int64_t r = 0; r < rest; r++) accumulate(acc.data(), i * rest + r);
    } else {
#pragma omp parallel
      {
        std::vector<double> part(outSize, 0.0);
#pragma omp for schedule(static)
        for (int64_t p = 0; p < prefix; p++) accumulate(part.data(), p);
#pragma omp critical
        for (int64_t j = 0; j < outSize; j++) acc[j] += part[j];
      }
    }
    for (int64_t j = 0; j < outSize; j++) out[j] = float(acc[j]);
  });
}

// transpose(x, out, sizes, perm): out axis i is input axis perm[i] (sizes are the input's, already collapsed).
napi_value Transpose(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    const auto [x, out, sz, perm, n] = ShapeOp(env, info, "a permutation");
    std::vector<int64_t> inStride(n);
    int64_t total = 1;
    for (size_t i = n; i-- > 0;) {
      inStride[i] = total;
      total *= sz[i];
    }
    // output axis i walks input stride inStride[perm[i]]; the last output axis is the inner loop
    std::vector<int64_t> os(n), on(n);
    for (size_t i = 0; i < n; i++) {
      if (perm[i] < 0 || size_t(perm[i]) >= n) throw ArgError{"a permutation of 0.." + std::to_string(n - 1)};
      os[i] = inStride[perm[i]];
      on[i] = sz[perm[i]];
    }
    const int64_t L = on[n - 1], step = os[n - 1], rows = total / std::max<int64_t>(L, 1);
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; r++) {
      int64_t q = r, src = 0;
      for (size_t i = n - 1; i-- > 0;) {
        src += (q % on[i]) * os[i];
        q /= on[i];
      }
      float *o = out + r * L;
      const float *in = x + src;
      if (step == 1) std::copy(in, in + L, o);
      else
        for (int64_t j = 0; j < L; j++) o[j] = in[j * step];
    }
  });
}

// concat(parts, whole, inners, toWhole): the rows of `whole` (of sum(inners) floats) are row r of every part in
// turn; parts are Float32Arrays of rows × inners[i] floats. toWhole: concat (parts → whole); otherwise split
// (whole → parts, tfjs's SplitV, the gradient of Concat).
napi_value ConcatSplit(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 4);
    bool isArray = false, toWhole = false;
    napi_is_array(env, a[0], &isArray);
    if (!isArray) throw ArgError{"an array of Float32Arrays"};
    if (napi_get_value_bool(env, a[3], &toWhole) != napi_ok) throw ArgError{"a boolean direction"};
    uint32_t k = 0;
    napi_get_array_length(env, a[0], &k);
    size_t nIn = 0, nWhole = 0;
    const int32_t *inner = static_cast<const int32_t *>(typed(env, a[2], napi_int32_array, "an Int32Array of inner sizes", &nIn));
    if (k == 0 || nIn != k) throw ArgError{"one inner size per part, and at least one part"};
    float *whole = static_cast<float *>(typed(env, a[1], napi_float32_array, "a Float32Array", &nWhole));
    std::vector<float *> part(k);
    std::vector<int64_t> offset(k);
    int64_t width = 0;
    for (uint32_t i = 0; i < k; i++) {
      napi_value v;
      napi_get_element(env, a[0], i, &v);
      size_t len = 0;
      part[i] = static_cast<float *>(typed(env, v, napi_float32_array, "a Float32Array", &len));
      if (inner[i] < 0) throw ArgError{"inner sizes >= 0"};
      offset[i] = width;
      width += inner[i];
    }
    if (width == 0) return;
    const int64_t rows = int64_t(nWhole) / width;
    if (rows * width != int64_t(nWhole)) throw ArgError{"a whole of rows × sum(inner sizes) floats"};
#pragma omp parallel for schedule(static) if (nWhole > (1 << 16))
    for (int64_t r = 0; r < rows; r++) {
      float *o = whole + r * width;
      for (uint32_t i = 0; i < k; i++) {
        const int64_t w = inner[i];
        if (toWhole) std::copy(part[i] + r * w, part[i] + (r + 1) * w, o + offset[i]);
        else std::copy(o + offset[i], o + offset[i] + w, part[i] + r * w);
      }
    }
  });
}

// sigmoid(x, out): oneDNN's logistic (JIT, the CPU's widest vectors), cached per length.
struct Eltwise {
  eltwise_forward prim;
  memory src, dst;
  Eltwise(int64_t n, algorithm alg) {
    const engine &eng = ctx().eng;
    memory::desc md({n}, dt::f32, tag::a);
    eltwise_forward::desc d(prop_kind::forward_inference, alg, md, 0.f, 0.f);
    eltwise_forward::primitive_desc pd(d, eng);
    prim = eltwise_forward(pd);
    src = memory(md, eng, nullptr);
    dst = memory(md, eng, nullptr);
  }
};

napi_value Sigmoid(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 2);
    size_t n = 0, m = 0;
    float *x = static_cast<float *>(typed(env, a[0], napi_float32_array, "a Float32Array", &n));
    float *out = static_cast<float *>(typed(env, a[1], napi_float32_array, "a Float32Array", &m));
    if (n != m) throw ArgError{"input and output of the same length"};
    if (n == 0) return;
    const std::vector<int64_t> d{int64_t(n)};
    // one thread below 2^18 elements: waking the second costs more than it saves (the latent MLPs' SiLUs)
    const SmallWork small(double(n) * 64);
    Eltwise &k = cached<Eltwise>(keyOf('s', d), [&] { return std::make_unique<Eltwise>(int64_t(n), algorithm::eltwise_logistic); });
    stream &s = ctx().strm;
    k.src.set_data_handle(x);
    k.dst.set_data_handle(out);
    k.prim.execute(s, {{DNNL_ARG_SRC, k.src}, {DNNL_ARG_DST, k.dst}});
    s.wait();
  });
}

// ---------- threads and information ----------

napi_value SetThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    int32_t n = 0;
    if (napi_get_value_int32(env, a[0], &n) != napi_ok || n < 1) throw ArgError{"setThreads expects an integer >= 1"};
    omp_set_num_threads(n);
  });
}

napi_value GetThreads(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_int32(env, omp_get_max_threads(), &v);
  return v;
}

const char *isaName(cpu_isa isa) {
  switch (isa) {
    case cpu_isa::sse41: return "sse41";
    case cpu_isa::avx: return "avx";
    case cpu_isa::avx2: return "avx2";
    case cpu_isa::avx512_mic: return "avx512_mic";
    case cpu_isa::avx512_mic_4ops: return "avx512_mic_4ops";
    case cpu_isa::avx512_core: return "avx512_core";
    case cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case cpu_isa::avx512_core_amx: return "avx512_core_amx";
    case cpu_isa::avx2_vnni: return "avx2_vnni";
    default: return "other";
  }
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value obj, v;
  napi_create_object(env, &obj);
  const dnnl_version_t *ver = dnnl_version();
  std::string version = std::to_string(ver->major) + "." + std::to_string(ver->minor) + "." + std::to_string(ver->patch);
  napi_create_string_utf8(env, version.c_str(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "onednn", v);
  napi_create_string_utf8(env, isaName(get_effective_cpu_isa()), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "isa", v);
  napi_create_string_utf8(env, ver->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : ver->cpu_runtime == DNNL_RUNTIME_TBB ? "TBB" : "other",
                          NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "runtime", v);
  return obj;
}

}  // namespace

NAPI_MODULE_INIT() {
#ifdef M_MMAP_THRESHOLD
  // Large buffers (tensor reads such as dataSync, the filters' reorders) come from the malloc heap and stay
  // mapped after they are freed: glibc's default maps each one afresh, and every 4 KB page of a fresh mapping
  // costs a page fault (measured here: a 16 MB read took 4,096 faults and 60-110 ms instead of 2-8 ms).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
  const napi_property_descriptor props[] = {
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, ConvBackward<ConvBwd<convolution_backward_data>>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, ConvBackward<ConvBwd<convolution_backward_weights>>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"matmul", nullptr, MatMulFn, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"groupNorm", nullptr, GroupNorm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"groupNormGrad", nullptr, GroupNormGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sum", nullptr, SumAxes, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"transpose", nullptr, Transpose, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"concatSplit", nullptr, ConcatSplit, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sigmoid", nullptr, Sigmoid, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"getThreads", nullptr, GetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
