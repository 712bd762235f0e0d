#!/usr/bin/env bash
# Registers the hypnest TypeScript kernel (tslab) in a project-local Jupyter data dir.
#
#   bash kernels-setup/setup.sh        (also: npm run kernel)
#
# - Jupyter comes from Debian's packages and runs on /usr/bin/python3 (not a pyenv/venv python).
#   When it is missing: installs it with apt-get if we are root on Debian, otherwise prints what to
#   install and exits 1.
# - The kernel spec goes to <repo>/.jupyter-local/share/jupyter/kernels/hypnest-tslab/kernel.json
#   (git-ignored). Nothing global is touched; runners set JUPYTER_PATH=<repo>/.jupyter-local/share/jupyter.
# - Idempotent: a second run rewrites nothing (prints "unchanged").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3
KERNEL_NAME=hypnest-tslab
DATA_DIR="$ROOT/.jupyter-local/share/jupyter"
SPEC_DIR="$DATA_DIR/kernels/$KERNEL_NAME"
TSLAB="$ROOT/node_modules/tslab/bin/tslab"
APT_PACKAGES="jupyter-notebook python3-nbconvert python3-nbclient python3-ipykernel python3-jupyter-client"

have_jupyter() {
  [ -x "$PY" ] && "$PY" -c 'import nbconvert, nbclient, ipykernel, jupyter_client' 2>/dev/null
}

if ! have_jupyter; then
  if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; then
    echo "kernel: installing Jupyter from Debian packages: $APT_PACKAGES"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $APT_PACKAGES
  else
    cat >&2 <<EOF
kernel: Jupyter (nbconvert, nbclient, ipykernel, jupyter_client) is not importable by $PY.
Install Debian's packages (as root):
    apt-get update && apt-get install -y $APT_PACKAGES
(on other systems: a python3 at $PY with 'pip install nbconvert nbclient ipykernel jupyter_client')
EOF
    exit 1
  fi
  have_jupyter || { echo "kernel: Jupyter still not importable by $PY after install" >&2; exit 1; }
fi

if [ ! -f "$TSLAB" ]; then
  echo "kernel: $TSLAB is missing — run 'npm ci' first (tslab is a devDependency)" >&2
  exit 1
fi

NODE="$(command -v node)"
NODE="$(node -p 'process.execPath' 2>/dev/null || echo "$NODE")"

mkdir -p "$SPEC_DIR"
SPEC_TMP="$SPEC_DIR/kernel.json.tmp"
"$PY" - "$NODE" "$TSLAB" "$SPEC_TMP" <<'EOF'
import json, sys
node, tslab, out = sys.argv[1:4]
spec = {
    # config-path and {connection_file} must be separate items (tslab issue #36)
    "argv": [node, tslab, "kernel", "--config-path", "{connection_file}"],
    "display_name": "TypeScript (hypnest)",
    "language": "typescript",
}
with open(out, "w") as f:
    json.dump(spec, f, indent=1, sort_keys=True)
    f.write("\n")
EOF

if cmp -s "$SPEC_TMP" "$SPEC_DIR/kernel.json"; then
  rm -f "$SPEC_TMP"
  echo "kernel: $KERNEL_NAME unchanged ($SPEC_DIR/kernel.json)"
else
  mv "$SPEC_TMP" "$SPEC_DIR/kernel.json"
  echo "kernel: registered $KERNEL_NAME -> $SPEC_DIR/kernel.json"
fi

# Check that Jupyter sees it through JUPYTER_PATH alone.
if ! JUPYTER_PATH="$DATA_DIR" "$PY" -c "from jupyter_client.kernelspec import KernelSpecManager as K; K().get_kernel_spec('$KERNEL_NAME')" 2>/dev/null; then
  echo "kernel: Jupyter cannot find $KERNEL_NAME with JUPYTER_PATH=$DATA_DIR" >&2
  exit 1
fi
echo "kernel: use it with JUPYTER_PATH=$DATA_DIR (e.g. JUPYTER_PATH=$DATA_DIR $PY -m notebook notebooks/)"
