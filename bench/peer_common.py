"""Helpers shared by the PyTorch peers bench/<topic>_peer.py (run as scripts from the repo root).

set_threads(n) sets torch's intra-op threads AND the OpenBLAS threads: Debian's torch calls the system BLAS
(libblas.so.3, OpenBLAS when libopenblas0-pthread is installed), whose pthread pool ignores
torch.set_num_threads and defaults to every core, so without this a "1 thread" matMul runs on 2.
peer_info() says which BLAS and which oneDNN the process actually loaded (from /proc/self/maps), as printed into
bench/results/latest.md by scripts/bench.mjs.
"""
import ctypes, json, sys, time

_DEFAULT_THREADS = None


def require_torch():
    """The torch module; if it is missing, prints {"error": ...} as the peer's JSON output and exits 0."""
    try:
        import torch
    except ImportError:
        print(json.dumps({"error": "torch is not installed: apt-get install python3-torch"}))
        sys.exit(0)
    global _DEFAULT_THREADS
    _DEFAULT_THREADS = torch.get_num_threads()  # before any set_threads
    return torch


def timed(reps, f):
    """Median wall time in ms of `reps` calls of f, after one warm-up call."""
    f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1000)
    return sorted(ts)[len(ts) // 2]


def suffix(n):
    """Row-name suffix of a thread count, as bench/threads.ts: ' [1 thread]', ' [2 threads]'."""
    return f" [{n} thread{'s' if n > 1 else ''}]"


def _loaded(*keys):
    with open('/proc/self/maps') as f:
        paths = {line.split()[-1] for line in f if line.rstrip().endswith(('.so', '.so.0', '.so.2', '.so.3')) or '.so.' in line}
    return sorted(p for p in paths if p.startswith('/') and any(k in p.rsplit('/', 1)[-1] for k in keys))


def _openblas():
    """The loaded OpenBLAS library (ctypes) or None."""
    for p in _loaded('openblas', 'libblas'):
        try:
            lib = ctypes.CDLL(p)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib
        except (OSError, AttributeError):
            continue
    return None


def set_threads(torch, n):
    """torch.set_num_threads(n) and openblas_set_num_threads(n) when torch's BLAS is OpenBLAS."""
    torch.set_num_threads(n)
    lib = _openblas()
    if lib is not None:
        lib.openblas_set_num_threads(n)


def peer_info(torch):
    """{torch, blas, onednn, mkldnn, reference_blas, threads...}: what the peer computes with."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure the BLAS is loaded
    cfg = torch.__config__.show()
    onednn = next((l.strip(' -') for l in cfg.splitlines() if 'MKL-DNN' in l or 'oneDNN' in l), 'none')
    blas_info = next((p.split('=')[1] for p in cfg.replace(',', ' ').split() if p.startswith('BLAS_INFO=')), '?')
    lib = _openblas()
    blas_files = _loaded('blas')
    if lib is not None:
        blas = f"{lib.openblas_get_config().decode()} (core {lib.openblas_get_corename().decode()}), {', '.join(blas_files)}"
    else:
        blas = ', '.join(blas_files) or 'none loaded'
    reference = lib is None and any('/blas/' in p or p.endswith('libblas.so.3') for p in blas_files)
    dnnl_files = _loaded('dnnl', 'mkldnn')
    return {
        "torch": torch.__version__,
        "default_threads": _DEFAULT_THREADS if _DEFAULT_THREADS is not None else torch.get_num_threads(),
        "blas": f"{blas} (BLAS_INFO={blas_info})",
        "reference_blas": reference,
        "onednn": f"{onednn}; torch.backends.mkldnn.is_available() = {torch.backends.mkldnn.is_available()}"
                  + (f"; {', '.join(dnnl_files)}" if dnnl_files else ' (bundled)'),
    }


def emit(torch, rows):
    """Prints the peer's one JSON line: rows plus peer_info."""
    print(json.dumps({"rows": rows, **peer_info(torch)}))
