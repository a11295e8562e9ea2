"""Score main-text extraction on the article-extraction benchmark, beside the usual peers.

The benchmark (Scrapinghub's article-extraction-benchmark: `html/*.html.gz` pages and
`ground-truth.json` with each page's gold `articleBody`) scores an extractor by shingle
matching: both texts become `\\w+` tokens, then overlapping 4-token shingles; per page, true
positives, false positives and false negatives are counted over the shingle multisets and
normalised to sum to one, so long pages weigh no more than short ones. Precision and recall are
the means over pages (pages with nothing predicted are left out of precision, pages with no gold
out of recall), and F1 is the harmonic mean of those two means. This module reimplements that
definition so that the figures are comparable with the benchmark's published table.

The peers are what a user would pick instead: trafilatura on its own settings, readability-lxml,
newspaper4k and jusText. A peer that is not installed is reported as missing, not as zero.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from storyline.errors import InputError, StorylineError
from storyline.evaluate import pr_f1

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4

Extractor = Callable[[str, str | None], str]


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    url: str | None
    html: str
    gold: str


@dataclass(frozen=True, slots=True)
class PageScore:
    true_positive: float
    false_positive: float
    false_negative: float


def read_benchmark(data_dir: str | Path, limit: int | None = None) -> list[Page]:
    """The benchmark's pages with their gold article bodies, in a stable order."""
    root = Path(data_dir)
    truth_path = root / "ground-truth.json"
    if not truth_path.is_file():
        raise InputError(f"{root}: no ground-truth.json; is this the article-extraction benchmark?")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    pages = []
    for name in sorted(truth)[:limit]:
        path = root / "html" / f"{name}.html.gz"
        if not path.is_file():
            raise InputError(f"{path}: page listed in ground-truth.json is missing")
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        pages.append(
            Page(name=name, url=truth[name].get("url"), html=html, gold=truth[name].get("articleBody") or "")
        )
    return pages


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    count = max(1, len(tokens) - SHINGLE_SIZE + 1)
    return Counter(shingle for i in range(count) if (shingle := tuple(tokens[i : i + SHINGLE_SIZE])))


def score_page(gold: str, predicted: str) -> PageScore:
    """Shingle true/false positives and false negatives of one page, normalised to sum to 1."""
    gold_shingles, predicted_shingles = _shingles(gold), _shingles(predicted)
    tp = sum((gold_shingles & predicted_shingles).values())
    fp = sum((predicted_shingles - gold_shingles).values())
    fn = sum((gold_shingles - predicted_shingles).values())
    total = tp + fp + fn
    if total == 0:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


def _precision(s: PageScore) -> float:
    if s.false_positive == s.false_negative == 0:
        return 1.0
    return s.true_positive / (s.true_positive + s.false_positive)


def _recall(s: PageScore) -> float:
    if s.false_positive == s.false_negative == 0:
        return 1.0
    return s.true_positive / (s.true_positive + s.false_negative)


def aggregate(scores: Sequence[PageScore]) -> dict[str, float]:
    """The benchmark's figures: mean precision, mean recall, and F1 of the two means."""
    precisions = [_precision(s) for s in scores if s.true_positive + s.false_positive > 0]
    recalls = [_recall(s) for s in scores if s.true_positive + s.false_negative > 0]
    return pr_f1(
        statistics.mean(precisions) if precisions else 0.0, statistics.mean(recalls) if recalls else 0.0
    )


def storyline_extractor(html: str, url: str | None, *, fallback_ratio: float | None = None) -> str:
    """The article text storyline keeps from a page: extraction, then its debris rules (with
    the shipped fallback ratio unless one is given)."""
    from storyline.clean import clean_document
    from storyline.config import DEFAULTS
    from storyline.errors import ExtractionError
    from storyline.models import RawDocument

    ratio = DEFAULTS.clean.fallback_ratio if fallback_ratio is None else fallback_ratio
    try:
        return clean_document(
            RawDocument(source=url or "page", html=html, url=url), fallback_ratio=ratio
        ).text
    except ExtractionError:
        return ""


# The fallback ratios tried under cross-validation (0: never fall back to the recall mode).
FALLBACK_RATIOS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
FOLDS = 5


def cross_validate_fallback(
    pages: Sequence[Page], *, ratios: Sequence[float] = FALLBACK_RATIOS, folds: int = FOLDS
) -> dict:
    """Page-fold cross-validation of the fallback ratio: for each fold (round-robin over the
    pages in name order), the ratio with the best F1 on the other folds (a tie keeps the shipped
    ratio, then the smaller) extracts the held-out pages; their scores are pooled.

    A page's text under a ratio is one of two: the precision mode's, or the recall mode's when
    the page's `precision_share` is under the ratio; both are made once per page."""
    from storyline.clean.html import precision_share
    from storyline.config import DEFAULTS

    shipped = DEFAULTS.clean.fallback_ratio
    precise = [score_page(p.gold, storyline_extractor(p.html, p.url, fallback_ratio=0.0)) for p in pages]
    fuller = [
        score_page(p.gold, storyline_extractor(p.html, p.url, fallback_ratio=float("inf"))) for p in pages
    ]
    shares = [precision_share(p.html, p.url) for p in pages]

    def page_score(i: int, ratio: float) -> PageScore:
        return fuller[i] if shares[i] < ratio else precise[i]

    order = sorted(set(ratios) | {shipped}, key=lambda r: (r != shipped, r))
    fold_of = [i % folds for i in range(len(pages))]
    chosen: list[float] = []
    held_out: list[PageScore] = []
    for fold in range(folds):
        train = [i for i in range(len(pages)) if fold_of[i] != fold]
        best = max(order, key=lambda r: (aggregate([page_score(i, r) for i in train])["f1"], -order.index(r)))
        chosen.append(best)
        held_out += [page_score(i, best) for i in range(len(pages)) if fold_of[i] == fold]
    return {
        **aggregate(held_out),
        "folds": folds,
        "chosen": chosen,
        "by_ratio": {r: aggregate([page_score(i, r) for i in range(len(pages))])["f1"] for r in order},
        "fallback_pages": sum(s < shipped for s in shares),
    }


def _trafilatura(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def _readability(html: str, url: str | None) -> str:
    import lxml.html
    from readability import Document

    summary = Document(html, url=url).summary(html_partial=True)
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


def _newspaper(html: str, url: str | None) -> str:
    import newspaper

    article = newspaper.Article(url or "http://example.com/", fetch_images=False)
    article.download(input_html=html)
    article.parse()
    return article.text or ""


def _justext(html: str, url: str | None) -> str:
    import justext

    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


PEERS: dict[str, tuple[str, Extractor]] = {
    "trafilatura": ("trafilatura", _trafilatura),
    "readability-lxml": ("readability", _readability),
    "newspaper4k": ("newspaper", _newspaper),
    "justext": ("justext", _justext),
}


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def run_extractor(extract: Extractor, pages: Sequence[Page]) -> dict[str, float]:
    """Figures and speed of one extractor; a page it crashes on counts as extracting nothing."""
    scores, crashes = [], 0
    started = time.perf_counter()
    for page in pages:
        try:
            text = extract(page.html, page.url)
        except Exception:  # a peer crashing on a page is a result to report, not a reason to stop
            text, crashes = "", crashes + 1
        scores.append(score_page(page.gold, text))
    elapsed = time.perf_counter() - started
    figures = aggregate(scores)
    figures.update(
        pages=len(pages), crashes=crashes, pages_per_second=len(pages) / elapsed if elapsed else 0.0
    )
    return figures


def evaluate_extraction(
    data_dir: str | Path,
    *,
    limit: int | None = None,
    peers: Sequence[str] | None = None,
    folds: int = FOLDS,
) -> dict:
    """storyline and each installed peer on the same pages, with the benchmark's figures;
    storyline also with its fallback ratio chosen under page-fold cross-validation."""
    pages = read_benchmark(data_dir, limit)
    if not pages:
        raise StorylineError(f"{data_dir}: the benchmark has no pages")
    results = {"storyline": run_extractor(storyline_extractor, pages)}
    cv = (
        cross_validate_fallback(pages, folds=min(folds, len(pages))) if folds > 1 and len(pages) > 1 else None
    )
    missing = []
    for name in peers if peers is not None else PEERS:
        module, extract = PEERS[name]
        if _installed(module):
            results[name] = run_extractor(extract, pages)
        else:
            missing.append(name)
    return {"pages": len(pages), "results": results, "missing_peers": missing, "cv": cv}


def render_table(result: dict) -> str:
    lines = [
        f"Article-extraction benchmark: {result['pages']} pages "
        "(shingle P/R/F1 as the benchmark's evaluate.py)",
        "",
        "| extractor | precision | recall | F1 | pages/s | crashes |",
        "|---|---|---|---|---|---|",
    ]
    for name, f in result["results"].items():
        lines.append(
            f"| {name} | {f['precision']:.3f} | {f['recall']:.3f} | {f['f1']:.3f} "
            f"| {f['pages_per_second']:.1f} | {f['crashes']} |"
        )
    cv = result.get("cv")
    if cv:
        lines += [
            "",
            f"storyline, fallback ratio chosen under {cv['folds']}-fold CV by page: precision "
            f"{cv['precision']:.3f}, recall {cv['recall']:.3f}, F1 {cv['f1']:.3f} (ratios chosen: "
            + ", ".join(f"{r:g}" for r in cv["chosen"])
            + f"; pages falling back at the shipped ratio: {cv['fallback_pages']})",
            "F1 by ratio on all pages: " + ", ".join(f"{r:g}: {f:.4f}" for r, f in cv["by_ratio"].items()),
        ]
    if result["missing_peers"]:
        lines += ["", "Not installed (pip install 'storyline[eval]'): " + ", ".join(result["missing_peers"])]
    return "\n".join(lines)
