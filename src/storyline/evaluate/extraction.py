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


def storyline_extractor(html: str, url: str | None) -> str:
    """The article text storyline keeps from a page: extraction, then its debris rules."""
    from storyline.clean import clean_document
    from storyline.errors import ExtractionError
    from storyline.models import RawDocument

    try:
        return clean_document(RawDocument(source=url or "page", html=html, url=url)).text
    except ExtractionError:
        return ""


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
    data_dir: str | Path, *, limit: int | None = None, peers: Sequence[str] | None = None
) -> dict:
    """storyline and each installed peer on the same pages, with the benchmark's figures."""
    pages = read_benchmark(data_dir, limit)
    if not pages:
        raise StorylineError(f"{data_dir}: the benchmark has no pages")
    results = {"storyline": run_extractor(storyline_extractor, pages)}
    missing = []
    for name in peers if peers is not None else PEERS:
        module, extract = PEERS[name]
        if _installed(module):
            results[name] = run_extractor(extract, pages)
        else:
            missing.append(name)
    return {"pages": len(pages), "results": results, "missing_peers": missing}


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
    if result["missing_peers"]:
        lines += ["", "Not installed (pip install 'storyline[eval]'): " + ", ".join(result["missing_peers"])]
    return "\n".join(lines)
