"""Executes one notebook headless with nbclient and exports it (used by scripts/tutorials.mjs).

    JUPYTER_PATH=<repo>/.jupyter-local/share/jupyter /usr/bin/python3 kernels-setup/execute.py \
        IN.ipynb OUT.ipynb OUT.html RESULT.json [--kernel hypnest-tslab] [--timeout 600]

Stops at the first failing cell. Writes RESULT.json:
  {ok, seconds, cells, executed, failed_cell (1-based code-cell number), failed_index, source, error}
and always writes the (partially) executed notebook and its HTML export. Exit 0 iff ok.
"""
import argparse
import json
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MAX_ERROR_LINES = 25


def error_text(cell, exc):
    """A readable error: the cell's error outputs and stderr (tslab reports type errors there)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            tb = out.get("traceback") or []
            parts.append("\n".join(tb) if tb else f"{out.get('ename')}: {out.get('evalue')}")
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
    text = ANSI.sub("", "\n".join(p for p in parts if p)).strip()
    if not text:
        text = f"{type(exc).__name__}: {ANSI.sub('', str(exc)).strip()}"
    lines = [l for l in text.splitlines() if l.strip()]
    # Drop Node internals from stack traces: keep the message and the notebook's own frames.
    lines = [l for l in lines if not re.match(r"\s*at .*(node:|/node_modules/)", l)]
    if len(lines) > MAX_ERROR_LINES:
        lines = lines[:MAX_ERROR_LINES] + [f"... ({len(lines) - MAX_ERROR_LINES} more lines)"]
    return "\n".join(lines)


def export_html(nb, path):
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nb)
    write_atomic(path, body)


def write_atomic(path, text):
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("html")
    ap.add_argument("result")
    ap.add_argument("--kernel", default="hypnest-tslab")
    ap.add_argument("--timeout", type=int, default=600)
    args = ap.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    client = NotebookClient(
        nb,
        timeout=args.timeout,
        startup_timeout=120,
        kernel_name=args.kernel,
        allow_errors=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.input))}},
    )
    result = {"ok": True, "cells": len(code_cells), "executed": 0}
    t0 = time.time()
    try:
        with client.setup_kernel():
            for n, index in enumerate(code_cells, start=1):
                cell = nb.cells[index]
                try:
                    client.execute_cell(cell, index, execution_count=n)
                except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
                    timed_out = isinstance(exc, CellTimeoutError)
                    result.update(
                        ok=False,
                        failed_cell=n,
                        failed_index=index,
                        source=cell.source,
                        error=(f"timed out after {args.timeout}s" if timed_out else error_text(cell, exc)),
                    )
                    break
                result["executed"] = n
    except Exception as exc:  # kernel failed to start, etc.
        result.update(ok=False, error=f"{type(exc).__name__}: {exc}")
    result["seconds"] = round(time.time() - t0, 2)

    nbformat.write(nb, args.output + ".tmp")
    os.replace(args.output + ".tmp", args.output)
    try:
        export_html(nb, args.html)
    except Exception as exc:
        result["html_error"] = f"{type(exc).__name__}: {exc}"
    write_atomic(args.result, json.dumps(result, indent=1) + "\n")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
