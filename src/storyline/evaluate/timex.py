"""Score temporal expression tagging on TimeBank (TimeML), beside dateparser's `search_dates`.

TimeML documents hold the article text inside `<TEXT>` with inline `<TIMEX3 type value>` tags
and the document creation time (DCT) in `<DCT>`. The reader strips the tags and keeps each
TIMEX3 as a stand-off span (character offsets into the plain text). The scorer follows
TempEval-3 (UzZaman et al., 2013):

- strict span: a system timex is right if its span equals a gold span;
- relaxed span: right if it overlaps a gold span; precision over system timexes, recall over
  gold ones. System and gold timexes are paired one to one, largest overlap first, so a gold
  timex split in two counts once;
- value (type) accuracy: among the relaxed pairs, the share whose value (type) equals the gold;
- value F1: precision and recall counting a timex right only if relaxed-matched AND its value
  equals the gold value (TempEval-3's "value F1").

TimeBank is also the data the tagger was developed on, so beside the whole-set figure of the
shipped settings the evaluation gives a document-fold cross-validated one: every setting the
tagger exposes (`SETTING_GRID`) is chosen on four fifths of the documents and scored on the
fifth left out, and the five held-out fifths are pooled.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from storyline.config import DEFAULTS, DateSettings
from storyline.errors import InputError
from storyline.evaluate import f1, ratio
from storyline.models import Analysis


@dataclass(frozen=True, slots=True)
class Timex:
    """A temporal expression as stand-off span with its TIMEX3 type and normalized value."""

    start: int
    end: int
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    text: str
    dct: date
    gold: tuple[Timex, ...]


@dataclass(slots=True)
class Scores:
    """Counts over documents; `table()` turns them into the TempEval-3 figures."""

    system: int = 0
    gold: int = 0
    strict: int = 0
    relaxed: int = 0
    value_right: int = 0
    type_right: int = 0
    # (document, text, gold value, system value) of each wrong value, for error analysis
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)

    def table(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, right in (("strict", self.strict), ("relaxed", self.relaxed), ("value", self.value_right)):
            p, r, f = _prf(right, self.system, self.gold)
            out |= {f"{name}_precision": p, f"{name}_recall": r, f"{name}_f1": f}
        out["value_accuracy"] = self.value_right / self.relaxed if self.relaxed else 0.0
        out["type_accuracy"] = self.type_right / self.relaxed if self.relaxed else 0.0
        return {k: round(v, 4) for k, v in out.items()}


def _prf(right: int, system: int, gold: int) -> tuple[float, float, float]:
    p, r = ratio(right, system), ratio(right, gold)
    return p, r, f1(p, r)


def read_timebank(data_dir: str | Path) -> list[Document]:
    """Every `.tml` document in the folder with its text, DCT and gold TIMEX3s."""
    root = Path(data_dir)
    paths = sorted(root.glob("*.tml"))
    if not paths:
        raise InputError(f"{root}: no TimeML (.tml) files found; pass the TimeBank folder")
    return [parse_timeml(path.read_text("utf-8"), name=path.stem) for path in paths]


def parse_timeml(markup: str, *, name: str = "doc") -> Document:
    """One TimeML document: the plain text of `<TEXT>`, its TIMEX3 spans and the DCT."""
    try:
        tree = ET.fromstring(markup)
    except ET.ParseError as e:
        raise InputError(f"{name}: not well-formed TimeML ({e})") from e
    dct_timex = tree.find("DCT/TIMEX3")
    body = tree.find("TEXT")
    if dct_timex is None or body is None:
        raise InputError(f"{name}: expected <DCT><TIMEX3 .../></DCT> and <TEXT>")
    dct = datetime.fromisoformat(dct_timex.get("value", "")[:10]).date()
    pieces: list[str] = [body.text or ""]
    offset = len(pieces[0])
    gold: list[Timex] = []
    for child in body:
        inner = "".join(child.itertext())
        if child.tag == "TIMEX3":
            gold.append(
                Timex(
                    start=offset,
                    end=offset + len(inner),
                    type=child.get("type", ""),
                    value=child.get("value", ""),
                )
            )
        pieces += [inner, child.tail or ""]
        offset += len(inner) + len(child.tail or "")
    return Document(name=name, text="".join(pieces), dct=dct, gold=tuple(gold))


def score(
    documents: Sequence[Document],
    predict: Callable[[Document], Sequence[Timex]],
) -> Scores:
    """Score `predict` over the documents (see the module docstring for the definitions)."""
    scores = Scores()
    for doc in documents:
        predicted = list(predict(doc))
        scores.system += len(predicted)
        scores.gold += len(doc.gold)
        for g, p in _pair(doc.gold, predicted):
            scores.relaxed += 1
            scores.strict += (g.start, g.end) == (p.start, p.end)
            scores.value_right += g.value == p.value
            scores.type_right += g.type == p.type
            if g.value != p.value:
                scores.errors.append((doc.name, doc.text[g.start : g.end], g.value, p.value))
    return scores


def _overlap(a: Timex, b: Timex) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _pair(gold: Sequence[Timex], predicted: Sequence[Timex]) -> list[tuple[Timex, Timex]]:
    """One-to-one (gold, system) pairs by largest overlap, greedily."""
    options = sorted(
        (
            (_overlap(g, p), i, j)
            for i, g in enumerate(gold)
            for j, p in enumerate(predicted)
            if _overlap(g, p) > 0
        ),
        reverse=True,
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _size, i, j in options:
        if i in used_gold or j in used_pred:
            continue
        used_gold.add(i)
        used_pred.add(j)
        pairs.append((gold[i], predicted[j]))
    return pairs


def parse_documents(documents: Sequence[Document]) -> list[Analysis]:
    """spaCy's parse of every document, as the pipeline makes it (without NER: the tagger needs
    the tense and the sentences, not the entities)."""
    from storyline import nlp
    from storyline.clean import article_id

    pipeline = nlp.spacy_pipeline()
    disabled = [name for name in ("ner",) if name in pipeline.pipe_names]
    docs = pipeline.pipe(
        (d.text for d in documents), batch_size=DEFAULTS.models.parse_batch_size, disable=disabled
    )
    return [
        nlp.analysis_from_doc(article_id(document.text), doc)
        for document, doc in zip(documents, docs, strict=True)
    ]


def tag_documents(
    documents: Sequence[Document], analyses: Sequence[Analysis], settings: DateSettings = DEFAULTS.dates
) -> dict[str, list[Timex]]:
    """storyline's timexes for every document from its parse, with these date settings (the DCT
    stands in for the publication date)."""
    from storyline.dates.timex import find_times
    from storyline.models import Article

    out: dict[str, list[Timex]] = {}
    for document, analysis in zip(documents, analyses, strict=True):
        article = Article(
            id=analysis.article_id, source=document.name, text=document.text, published=document.dct
        )
        out[document.name] = [
            Timex(start=t.start, end=t.end, type=t.type, value=t.value)
            for t in find_times(article, analysis.sentences, tokens=analysis.tokens, settings=settings)
        ]
    return out


def predict_storyline(documents: Sequence[Document]) -> dict[str, list[Timex]]:
    """storyline's timexes for every document, with the tense read from spaCy's parse, as in
    the pipeline, with the shipped settings."""
    return tag_documents(documents, parse_documents(documents))


# The settings chosen under cross-validation: each combination is tried on the training folds.
# `foresight_days` reads a month and day without a year as the coming one when it is this near;
# the two switches read plans and deadlines told in the past tense forward.
SETTING_GRID: dict[str, tuple] = {
    "foresight_days": (0, 30, 45, 75, 120, 180),
    "plans_forward": (True, False),
    "deadlines_forward": (True, False),
}
FOLDS = 5


def setting_candidates(grid: Mapping[str, Sequence] = SETTING_GRID) -> list[DateSettings]:
    """Every combination of the grid's values over the shipped date settings; the shipped
    settings first, so that a tie keeps them."""
    names = list(grid)
    candidates = [DEFAULTS.dates]
    for values in itertools.product(*(grid[name] for name in names)):
        candidate = replace(DEFAULTS.dates, **dict(zip(names, values, strict=True)))
        if candidate not in candidates:
            candidates.append(candidate)
    return candidates


def document_folds(documents: Sequence[Document], folds: int = FOLDS) -> list[int]:
    """The fold of each document: round-robin over the documents sorted by name, so every
    source (wsj_, APW, ABC, ...) is spread over all folds."""
    order = sorted(range(len(documents)), key=lambda i: documents[i].name)
    fold = [0] * len(documents)
    for rank, i in enumerate(order):
        fold[i] = rank % folds
    return fold


def _objective(table: Mapping[str, float]) -> tuple[float, float]:
    return table["value_f1"], table["strict_f1"]


def cross_validate(
    documents: Sequence[Document],
    predictions: Sequence[Mapping[str, Sequence[Timex]]],
    *,
    folds: int = FOLDS,
) -> tuple[Scores, list[int], list[dict[str, float]]]:
    """Document-fold cross-validation of a choice among settings: for each fold, the
    candidate (`predictions[k]`: each document's timexes under candidate k) with the best
    value F1 (then strict F1; then the earlier candidate) on the other folds tags the held-out
    documents. Returns the held-out documents' pooled scores, the candidate chosen for each
    fold, and each fold's held-out figures."""
    fold_of = document_folds(documents, folds)
    chosen: list[int] = []
    per_fold: list[dict[str, float]] = []
    pick: dict[str, int] = {}
    for fold in range(folds):
        train = [d for d, f in zip(documents, fold_of, strict=True) if f != fold]
        held_out = [d for d, f in zip(documents, fold_of, strict=True) if f == fold]
        best = max(
            range(len(predictions)),
            key=lambda k: (_objective(score(train, _looked_up(predictions[k])).table()), -k),
        )
        chosen.append(best)
        per_fold.append(score(held_out, _looked_up(predictions[best])).table())
        pick |= {d.name: best for d in held_out}
    pooled = score(documents, lambda document: predictions[pick[document.name]][document.name])
    return pooled, chosen, per_fold


def predict_dateparser(documents: Sequence[Document]) -> dict[str, list[Timex]]:
    """dateparser's `search_dates` with the DCT as its relative base, each found string placed
    at its next occurrence in the text."""
    from dateparser.search import search_dates

    out: dict[str, list[Timex]] = {}
    for document in documents:
        base = datetime.combine(document.dct, datetime.min.time())
        found = search_dates(
            document.text,
            languages=["en"],
            settings={"RELATIVE_BASE": base, "RETURN_AS_TIMEZONE_AWARE": False},
        )
        timexes: list[Timex] = []
        cursor = 0
        for text, when in found or ():
            start = document.text.find(text, cursor)
            if start < 0:
                continue
            cursor = start + len(text)
            kind, value = _dateparser_value(text, when)
            timexes.append(Timex(start=start, end=cursor, type=kind, value=value))
        out[document.name] = timexes
    return out


def _dateparser_value(text: str, when: datetime) -> tuple[str, str]:
    """A TIMEX3 type and value for a dateparser result, cut to the precision the words give
    (dateparser returns a full datetime whatever was said); fair to the peer."""
    from storyline.dates.timex import precision_of_words

    precision = precision_of_words(text)
    if precision == "time":
        return "TIME", when.strftime("%Y-%m-%dT%H:%M")
    return "DATE", {"year": when.strftime("%Y"), "month": when.strftime("%Y-%m")}.get(
        precision, when.strftime("%Y-%m-%d")
    )


FIGURES = (
    "strict_precision",
    "strict_recall",
    "strict_f1",
    "relaxed_precision",
    "relaxed_recall",
    "relaxed_f1",
    "value_accuracy",
    "value_precision",
    "value_recall",
    "value_f1",
    "type_accuracy",
)
# HeidelTime's published TempEval-3 figures (platinum test set, UzZaman et al., 2013), shown
# beside this run's for orientation: they were measured on other documents.
HEIDELTIME_TEMPEVAL3 = {"strict_f1": 0.8134, "relaxed_f1": 0.9030, "value_f1": 0.7761}


def _looked_up(predictions: Mapping[str, Sequence[Timex]]) -> Callable[[Document], Sequence[Timex]]:
    """A predictor reading each document's expressions, made beforehand, by its name."""
    return lambda document: predictions[document.name]


def evaluate_timex(data_dir: str | Path, *, limit: int | None = None, folds: int = FOLDS) -> dict:
    """storyline and dateparser on the TimeBank documents of `data_dir`; storyline with its
    shipped settings on the whole set, and under document-fold cross-validation of the settings
    (`SETTING_GRID`), where each fold is tagged with the settings best on the other folds."""
    documents = read_timebank(data_dir)[:limit]
    result: dict = {"documents": len(documents), "gold_timexes": sum(len(d.gold) for d in documents)}
    analyses = parse_documents(documents)
    candidates = setting_candidates()
    predictions = [tag_documents(documents, analyses, settings) for settings in candidates]
    result["storyline"] = score(documents, _looked_up(predictions[0])).table()
    folds = max(1, min(folds, len(documents)))
    if folds > 1:
        pooled, chosen, per_fold = cross_validate(documents, predictions, folds=folds)
        result["storyline_cv"] = pooled.table()
        result["cv"] = {
            "folds": folds,
            "chosen": [{name: getattr(candidates[k], name) for name in SETTING_GRID} for k in chosen],
            "value_f1_by_fold": [t["value_f1"] for t in per_fold],
            "strict_f1_by_fold": [t["strict_f1"] for t in per_fold],
        }
    else:
        result["storyline_cv"] = result["storyline"]
    result["dateparser"] = score(documents, _looked_up(predict_dateparser(documents))).table()
    return result


def render_table(result: dict) -> str:
    """The figures side by side as a Markdown table."""
    cv = result.get("cv")
    lines = [
        f"TimeBank: {result['documents']} documents, {result['gold_timexes']} gold TIMEX3",
        "",
        "| figure | storyline | storyline (document-fold CV) | dateparser "
        "| HeidelTime (TempEval-3, published) |",
        "|---|---|---|---|---|",
    ]
    for figure in FIGURES:
        published = HEIDELTIME_TEMPEVAL3.get(figure)
        lines.append(
            f"| {figure} | {result['storyline'][figure]:.3f} | {result['storyline_cv'][figure]:.3f} | "
            f"{result['dateparser'][figure]:.3f} | "
            f"{'' if published is None else f'{published:.3f}'} |"
        )
    if cv:
        lines += [
            "",
            f"CV: {cv['folds']} folds by document; each fold tagged with the settings best on the others.",
            "value F1 by fold: " + ", ".join(f"{v:.3f}" for v in cv["value_f1_by_fold"]),
            "strict F1 by fold: " + ", ".join(f"{v:.3f}" for v in cv["strict_f1_by_fold"]),
            "settings chosen: "
            + "; ".join(", ".join(f"{k}={v}" for k, v in chosen.items()) for chosen in cv["chosen"]),
        ]
    return "\n".join(lines) + "\n"
