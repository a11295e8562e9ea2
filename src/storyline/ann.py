"""An approximate nearest-neighbour index by inner product (hnswlib), for the stages that must
not compare every pair of a large batch: items are put (or moved) and removed as a stream goes.

While few items are in it, `nearest` scores every one exactly (cheaper than the graph, and
exact) and the graph is not built; past `exact_below` it asks the HNSW graph, first adding in
one batch what was put since it was last asked. hnswlib builds the graph single-threaded with
a fixed seed, so the same puts and removes in the same order give the same answers.
"""

from __future__ import annotations

import hnswlib
import numpy as np

_EXACT_BELOW = 256  # items at which the graph starts to pay (a dot product per item below it)
_M = 16  # graph links per item
_EF_CONSTRUCTION = 100
_SEED = 1


class NearestIndex:
    """Vectors of `dim` floats under integer labels below `capacity`, nearest by inner product."""

    def __init__(self, dim: int, capacity: int, *, exact_below: int = _EXACT_BELOW) -> None:
        self._graph = hnswlib.Index(space="ip", dim=dim)
        self._graph.init_index(
            max_elements=max(capacity, 1), ef_construction=_EF_CONSTRUCTION, M=_M, random_seed=_SEED
        )
        self._graph.set_num_threads(1)
        self._vectors = np.zeros((max(capacity, 1), dim), dtype=np.float32)
        self._live: dict[int, None] = {}  # labels in the index, in the order first put
        self._stale: dict[int, None] = {}  # labels put since the graph was last brought up to date
        self._in_graph: set[int] = set()
        self._exact_below = exact_below

    def __len__(self) -> int:
        return len(self._live)

    def put(self, label: int, vector: np.ndarray) -> None:
        """Add `label` with `vector`, or move it there if it is already in."""
        self._vectors[label] = vector
        self._live[label] = None
        self._stale[label] = None  # the graph learns of it when it is next asked

    def remove(self, label: int) -> None:
        if label in self._live:
            del self._live[label]
            self._stale.pop(label, None)
            if label in self._in_graph:
                self._in_graph.discard(label)
                self._graph.mark_deleted(label)

    def nearest(self, vector: np.ndarray, k: int) -> list[int]:
        """Up to `k` labels by falling inner product with `vector` (ties by label); exact while
        the index holds fewer than `exact_below` items, approximate after."""
        if not self._live or k <= 0:
            return []
        if len(self._live) < self._exact_below or len(self._live) <= k:
            return self._exact(vector, k)
        if self._stale:  # bring the graph up to date, in one batch
            labels = np.fromiter(self._stale, dtype=np.int64, count=len(self._stale))
            self._graph.add_items(self._vectors[labels], labels)
            self._in_graph.update(self._stale)
            self._stale.clear()
        self._graph.set_ef(max(2 * k, 64))
        try:
            found, _ = self._graph.knn_query(vector[None, :], k=k)
        except RuntimeError:  # the graph found fewer than k live items: score them all
            return self._exact(vector, k)
        return [int(label) for label in found[0]]

    def _exact(self, vector: np.ndarray, k: int) -> list[int]:
        labels = np.fromiter(self._live, dtype=np.int64, count=len(self._live))
        scores = self._vectors[labels] @ vector
        ranked = np.lexsort((labels, -scores))[:k]
        return [int(label) for label in labels[ranked]]
