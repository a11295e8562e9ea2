"""Score quote and attribution extraction on PolNeAR, beside textacy's `direct_quotations`.

PolNeAR (brat stand-off, character offsets into `text/*.txt`) marks Source, Cue and Content
spans of each attribution. Scores, for content, source and cue, both exact and overlap:

- content: a predicted content is right if it matches (overlaps, or equals after trimming
  quotation marks and punctuation) a gold content; precision over predictions, recall over gold;
- source and cue: a prediction is paired with the gold attribution whose content it overlaps
  most (one to one); its source (cue) is right if it matches the pair's gold source (cue);
- speaker accuracy: among paired attributions whose gold has a source, the share whose predicted
  source overlaps the gold source.

Each figure is computed over all gold attributions and over the direct ones only (gold content
containing a quotation mark), which is all a direct-quote finder such as textacy's can find.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storyline.config import DEFAULTS
from storyline.errors import InputError
from storyline.evaluate import pr_f1, ratio

Spans = tuple[tuple[int, int], ...]
_TRIM = " \t\n\"'“”‘’.,;:!?"
_QUOTE_MARK = re.compile(r"[\"“”]")


@dataclass(frozen=True, slots=True)
class Attribution:
    content: Spans
    source: Spans = ()
    cue: Spans = ()


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    text: str
    gold: tuple[Attribution, ...]


@dataclass(slots=True)
class _Counts:
    predicted: int = 0
    gold: int = 0
    right_predicted: int = 0
    right_gold: int = 0

    def scores(self) -> dict[str, float]:
        return pr_f1(ratio(self.right_predicted, self.predicted), ratio(self.right_gold, self.gold))


@dataclass(slots=True)
class Scores:
    counts: dict[str, _Counts] = field(default_factory=dict)
    speaker_pairs: int = 0
    speaker_right: int = 0

    def count(self, key: str) -> _Counts:
        return self.counts.setdefault(key, _Counts())

    def table(self) -> dict[str, float]:
        out = {}
        for key, counts in sorted(self.counts.items()):
            for name, value in counts.scores().items():
                out[f"{key}_{name}"] = round(value, 4)
        out["speaker_accuracy"] = (
            round(self.speaker_right / self.speaker_pairs, 4) if self.speaker_pairs else 0.0
        )
        return out


def read_polnear(data_dir: str | Path, split: str = "dev") -> list[Document]:
    """The documents of one PolNeAR split with their gold attributions."""
    root = Path(data_dir) / split
    ann_dir, text_dir = root / "attributions", root / "text"
    if not ann_dir.is_dir() or not text_dir.is_dir():
        raise InputError(
            f"{root}: expected PolNeAR folders 'attributions/' and 'text/'; "
            "pass the folder that holds train/ and dev/"
        )
    # a second annotator's file for the same text: score the first only
    return [
        Document(name=text.stem, text=text.read_text("utf-8"), gold=_read_ann(first))
        for text, (first, *_) in _annotations(root).items()
    ]


def _annotations(root: Path) -> dict[Path, list[Path]]:
    """Each text of one split and its annotation files (one per annotator), in name order."""
    texts = {p.stem: p for p in (root / "text").glob("*.txt")}
    found: dict[Path, list[Path]] = {}
    for ann in sorted((root / "attributions").glob("*.ann")):
        stem = ann.stem if ann.stem in texts else ann.stem.rsplit("_", 1)[0]
        if stem in texts:
            found.setdefault(texts[stem], []).append(ann)
    return found


def annotator_agreement(data_dir: str | Path, splits: Sequence[str] = ("train", "dev")) -> dict:
    """One trained annotator scored against another, with this module's scorer, on the
    documents PolNeAR had annotated twice: the ceiling a figure can be read against."""
    documents: list[Document] = []
    second: dict[str, tuple[Attribution, ...]] = {}
    for split in splits:
        for text, (first, other, *_) in (
            (t, f) for t, f in _annotations(Path(data_dir) / split).items() if len(f) > 1
        ):
            documents.append(
                Document(name=f"{split}/{text.stem}", text=text.read_text("utf-8"), gold=_read_ann(first))
            )
            second[documents[-1].name] = _read_ann(other)
    table = score(documents, lambda d: second[d.name]).table() if documents else {}
    return {"documents": len(documents), "gold_attributions": sum(len(d.gold) for d in documents), **table}


def _read_ann(path: Path) -> tuple[Attribution, ...]:
    try:
        return tuple(_parse_ann(path.read_text("utf-8")))
    except ValueError as e:  # bad offsets, a malformed event line, not UTF-8
        raise InputError(f"{path}: not a brat stand-off file as PolNeAR writes them ({e})") from e


def _parse_ann(text: str) -> Iterable[Attribution]:
    spans: dict[str, Spans] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            _label, _, offsets = parts[1].partition(" ")
            pairs = (piece.split() for piece in offsets.split(";"))
            spans[parts[0]] = tuple((int(start), int(end)) for start, end in pairs)
    for line in text.splitlines():
        if not line.startswith("E"):
            continue
        roles = dict(arg.split(":", 1) for arg in line.split("\t")[1].split())
        if "Content" not in roles or roles["Content"] not in spans:
            continue
        yield Attribution(
            content=spans[roles["Content"]],
            source=spans.get(roles.get("Source", ""), ()),
            cue=spans.get(roles.get("Cue", ""), ()),
        )


def _overlap(a: Spans, b: Spans) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _same(a: Spans, b: Spans, text: str) -> bool:
    def norm(spans: Spans) -> str:
        return " ".join(" ".join(text[s:e] for s, e in spans).split()).strip(_TRIM)

    return bool(a) and bool(b) and norm(a) == norm(b)


def is_direct(attribution: Attribution, text: str) -> bool:
    start = min(s for s, _ in attribution.content)
    end = max(e for _, e in attribution.content)
    return bool(_QUOTE_MARK.search(text[max(0, start - 1) : end + 1]))


def score(
    documents: Sequence[Document],
    predict: Callable[[Document], Sequence[Attribution]],
    *,
    direct_only: bool = False,
) -> Scores:
    """Score `predict` over the documents (see the module docstring for the definitions)."""
    scores = Scores()
    for doc in documents:
        gold = [g for g in doc.gold if not direct_only or is_direct(g, doc.text)]
        predicted = list(predict(doc))
        if direct_only:
            predicted = [p for p in predicted if is_direct(p, doc.text)]
        _score_document(doc.text, gold, predicted, scores)
    return scores


def _score_document(
    text: str, gold: Sequence[Attribution], predicted: Sequence[Attribution], scores: Scores
) -> None:
    for kind, match in (
        ("overlap", lambda a, b: _overlap(a, b) > 0),
        ("exact", lambda a, b: _same(a, b, text)),
    ):
        counts = scores.count(f"content_{kind}")
        counts.predicted += len(predicted)
        counts.gold += len(gold)
        counts.right_predicted += sum(any(match(p.content, g.content) for g in gold) for p in predicted)
        counts.right_gold += sum(any(match(p.content, g.content) for p in predicted) for g in gold)
    pairs = _pair(gold, predicted)
    for role in ("source", "cue"):
        for kind, match in (
            ("overlap", lambda a, b: _overlap(a, b) > 0),
            ("exact", lambda a, b: _same(a, b, text)),
        ):
            counts = scores.count(f"{role}_{kind}")
            counts.predicted += sum(1 for p in predicted if getattr(p, role))
            counts.gold += sum(1 for g in gold if getattr(g, role))
            right = sum(1 for g, p in pairs if match(getattr(p, role), getattr(g, role)))
            counts.right_predicted += right
            counts.right_gold += right
    for g, p in pairs:
        if g.source:
            scores.speaker_pairs += 1
            scores.speaker_right += _overlap(p.source, g.source) > 0


def _pair(
    gold: Sequence[Attribution], predicted: Sequence[Attribution]
) -> list[tuple[Attribution, Attribution]]:
    """One-to-one pairs by largest content overlap, greedily."""
    options = sorted(
        ((_overlap(p.content, g.content), i, j) for i, g in enumerate(gold) for j, p in enumerate(predicted)),
        reverse=True,
    )
    used_gold, used_pred, pairs = set(), set(), []
    for size, i, j in options:
        if size <= 0:
            break
        if i in used_gold or j in used_pred:
            continue
        used_gold.add(i)
        used_pred.add(j)
        pairs.append((gold[i], predicted[j]))
    return pairs


def _span(start: int, end: int) -> Spans:
    return ((start, end),)


def predict_all(documents: Sequence[Document]):
    """storyline's attributions for every document (all it extracts, and the statements a
    briefing shows), textacy's, from one spaCy parse, and the documents textacy refused."""
    from textacy.extract.triples import direct_quotations

    from storyline import nlp
    from storyline.clean import article_id
    from storyline.entities import merge_entities
    from storyline.models import Article
    from storyline.quotes.acts import statements_only
    from storyline.quotes.extract import extract_quotes

    pipeline = nlp.spacy_pipeline()
    ours: dict[str, list[Attribution]] = {}
    shown: dict[str, list[Attribution]] = {}
    peer: dict[str, list[Attribution]] = {}
    bailed: list[str] = []
    docs = pipeline.pipe((d.text for d in documents), batch_size=DEFAULTS.models.parse_batch_size)
    for document, doc in zip(documents, docs, strict=True):
        article = Article(id=article_id(document.text), source=document.name, text=document.text)
        entities, (analysis,) = merge_entities([nlp.analysis_from_doc(article.id, doc)])
        names = {e.id: e.name for e in entities}
        quotes = extract_quotes(article, analysis, names)
        ours[document.name] = [_attribution(q) for q in quotes]
        shown[document.name] = [_attribution(q) for q in statements_only(article.text, analysis, quotes)]
        try:
            triples = list(direct_quotations(doc))
        except ValueError:  # textacy bails out on a document with an unclosed quotation
            triples = []
            bailed.append(document.name)
        peer[document.name] = [
            Attribution(
                content=_span(t.content.start_char, t.content.end_char),
                source=_token_span(t.speaker),
                cue=_token_span(t.cue),
            )
            for t in triples
        ]
    return ours, shown, peer, bailed


def _attribution(quote) -> Attribution:
    return Attribution(
        content=tuple((p.start, p.end) for p in quote.parts) or _span(quote.start, quote.end),
        source=_span(quote.speaker_span.start, quote.speaker_span.end) if quote.speaker_span else (),
        cue=_span(quote.cue_span.start, quote.cue_span.end) if quote.cue_span else (),
    )


def _token_span(tokens) -> Spans:
    tokens = list(tokens)
    if not tokens:
        return ()
    return _span(min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens))


FIGURES = (
    "content_overlap_f1",
    "content_exact_f1",
    "source_overlap_f1",
    "source_exact_f1",
    "cue_overlap_f1",
    "cue_exact_f1",
    "speaker_accuracy",
)


def _looked_up(
    predictions: Mapping[str, Sequence[Attribution]],
) -> Callable[[Document], Sequence[Attribution]]:
    """A predictor reading each document's attributions, made beforehand, by its name."""
    return lambda document: predictions[document.name]


def evaluate_quotes(data_dir: str | Path, *, split: str = "dev", limit: int | None = None) -> dict:
    """storyline and textacy on one PolNeAR split: all attributions, and direct quotes only."""
    documents = read_polnear(data_dir, split)[:limit]
    ours, shown, peer, bailed = predict_all(documents)
    result = {
        "split": split,
        "documents": len(documents),
        "gold_attributions": sum(len(d.gold) for d in documents),
        "textacy_bailed_out": len(bailed),
    }
    # "shown": the statements a briefing shows (`storyline.quotes.acts`), without the beliefs,
    # intentions and declined speech that PolNeAR also counts as attributions.
    for name, predictions in (("storyline", ours), ("textacy", peer), ("shown", shown)):
        for subset, direct in (("all", False), ("direct", True)):
            scores = score(documents, _looked_up(predictions), direct_only=direct)
            result[f"{name}_{subset}"] = scores.table()
    result["annotators"] = annotator_agreement(data_dir)
    return result


def render_table(result: dict) -> str:
    """The figures side by side as a Markdown table."""
    columns = {
        ("storyline shown" if n == "shown" else n) + f" ({s})": result[f"{n}_{s}"]
        for n, s in (
            ("storyline", "all"),
            ("shown", "all"),
            ("textacy", "all"),
            ("storyline", "direct"),
            ("textacy", "direct"),
        )
    }
    agreement = result.get("annotators") or {}
    if agreement.get("documents"):
        columns["annotator vs annotator (all)"] = agreement
    lines = [
        f"PolNeAR {result['split']}: {result['documents']} documents, "
        f"{result['gold_attributions']} gold attributions; textacy bailed out on "
        f"{result['textacy_bailed_out']} documents (unclosed quotation marks)",
        "",
        "| figure | " + " | ".join(columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for figure in ("content_overlap_precision", "content_overlap_recall", *FIGURES):
        values = [table.get(figure, 0.0) for table in columns.values()]
        lines.append(f"| {figure} | " + " | ".join(f"{v:.3f}" for v in values) + " |")
    if agreement.get("documents"):
        lines += [
            "",
            f"annotator vs annotator: one PolNeAR annotator scored against another on "
            f"the {agreement['documents']} train and dev documents both annotated "
            f"({agreement['gold_attributions']} attributions), the ceiling to read the "
            "figures against",
        ]
    return "\n".join(lines) + "\n"
