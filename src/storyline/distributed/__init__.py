"""Runners of the per-article stages beyond one process: `ray_runner` maps them over a Ray
cluster (the optional `[ray]` extra); the default runner is `storyline.pipeline` itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storyline.config import DEFAULTS

__all__ = ["RayOptions"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RayOptions:
    """Where the cluster is (`auto`, HOST:PORT or ray://HOST:PORT), the folder the Parquet rows
    go to, and how many documents each worker takes at a time."""

    address: str
    output: Path
    batch_size: int = DEFAULTS.ingest.ray_batch_size
    progress: bool = False
