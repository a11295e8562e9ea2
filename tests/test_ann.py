"""The nearest-neighbour index: exact while small, the HNSW graph past it, both by inner product."""

from __future__ import annotations

import numpy as np

from storyline.ann import NearestIndex


def _vectors(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_small_index_is_exact_with_ties_broken_by_label():
    index = NearestIndex(2, 4)
    index.put(3, np.array([1.0, 0.0], dtype=np.float32))
    index.put(1, np.array([1.0, 0.0], dtype=np.float32))
    index.put(2, np.array([0.0, 1.0], dtype=np.float32))
    assert index.nearest(np.array([1.0, 0.1], dtype=np.float32), 2) == [1, 3]
    assert index.nearest(np.array([0.0, 1.0], dtype=np.float32), 1) == [2]


def test_put_moves_an_item_and_remove_drops_it():
    index = NearestIndex(2, 3)
    index.put(0, np.array([1.0, 0.0], dtype=np.float32))
    index.put(1, np.array([0.0, 1.0], dtype=np.float32))
    index.put(0, np.array([0.0, 0.9], dtype=np.float32))
    assert index.nearest(np.array([0.0, 1.0], dtype=np.float32), 2) == [1, 0]  # 1.0 before 0.9
    assert len(index) == 2
    index.remove(1)
    assert len(index) == 1
    assert index.nearest(np.array([0.0, 1.0], dtype=np.float32), 5) == [0]


def test_graph_finds_the_true_neighbours_and_skips_removed_ones():
    rows = _vectors(2000)
    index = NearestIndex(16, 2000, exact_below=10)
    for label, row in enumerate(rows):
        index.put(label, row)
    for label in range(0, 2000, 2):
        index.remove(label)
    queries = _vectors(50, seed=1)
    live = np.arange(1, 2000, 2)
    recall = []
    for query in queries:
        found = index.nearest(query, 10)
        assert all(label % 2 == 1 for label in found)
        truth = set(live[np.argsort(-(rows[live] @ query))[:10]].tolist())
        recall.append(len(truth & set(found)) / 10)
    assert np.mean(recall) >= 0.95


def test_same_puts_give_the_same_answers():
    rows = _vectors(600)

    def answers():
        index = NearestIndex(16, 600, exact_below=10)
        for label, row in enumerate(rows):
            index.put(label, row)
        return [index.nearest(q, 5) for q in _vectors(20, seed=2)]

    assert answers() == answers()
