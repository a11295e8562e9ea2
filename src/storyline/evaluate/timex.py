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
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from storyline.config import DEFAULTS
from storyline.errors import InputError
from storyline.evaluate import f1, ratio


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


def predict_storyline(documents: Sequence[Document]) -> dict[str, list[Timex]]:
    """storyline's timexes for every document, with the tense read from spaCy's parse, as in
    the pipeline (the DCT stands in for the publication date)."""
    from storyline import nlp
    from storyline.clean import article_id
    from storyline.dates.timex import find_times
    from storyline.models import Article

    pipeline = nlp.spacy_pipeline()
    # Entities are not needed to tag times; the parser and tagger are (tense, sentences).
    disabled = [name for name in ("ner",) if name in pipeline.pipe_names]
    docs = pipeline.pipe(
        (d.text for d in documents), batch_size=DEFAULTS.models.parse_batch_size, disable=disabled
    )
    out: dict[str, list[Timex]] = {}
    for document, doc in zip(documents, docs, strict=True):
        article = Article(
            id=article_id(document.text), source=document.name, text=document.text, published=document.dct
        )
        analysis = nlp.analysis_from_doc(article.id, doc)
        out[document.name] = [
            Timex(start=t.start, end=t.end, type=t.type, value=t.value)
            for t in find_times(article, analysis.sentences, tokens=analysis.tokens)
        ]
    return out


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


def evaluate_timex(data_dir: str | Path, *, limit: int | None = None) -> dict:
    """storyline and dateparser on the TimeBank documents of `data_dir`."""
    documents = read_timebank(data_dir)[:limit]
    result: dict = {"documents": len(documents), "gold_timexes": sum(len(d.gold) for d in documents)}
    for name, predict in (("storyline", predict_storyline), ("dateparser", predict_dateparser)):
        predictions = predict(documents)
        result[name] = score(documents, _looked_up(predictions)).table()
    return result


def render_table(result: dict) -> str:
    """The figures side by side as a Markdown table."""
    lines = [
        f"TimeBank: {result['documents']} documents, {result['gold_timexes']} gold TIMEX3",
        "",
        "| figure | storyline | dateparser | HeidelTime (TempEval-3, published) |",
        "|---|---|---|---|",
    ]
    for figure in FIGURES:
        published = HEIDELTIME_TEMPEVAL3.get(figure)
        lines.append(
            f"| {figure} | {result['storyline'][figure]:.3f} | "
            f"{result['dateparser'][figure]:.3f} | "
            f"{'' if published is None else f'{published:.3f}'} |"
        )
    return "\n".join(lines) + "\n"
