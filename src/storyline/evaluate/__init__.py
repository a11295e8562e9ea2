"""Evaluation harnesses that score storyline on public labelled data beside a peer tool."""


def f1(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def pr_f1(precision: float, recall: float) -> dict[str, float]:
    """Precision, recall and their F1, as every harness reports them."""
    return {"precision": precision, "recall": recall, "f1": f1(precision, recall)}


def ratio(part: int, whole: int) -> float:
    """part / whole, 0 for an empty whole."""
    return part / whole if whole else 0.0
