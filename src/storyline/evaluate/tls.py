"""Score corpus timelines on Timeline17 the way news-tls does (Gholipour Ghalandari & Ifrim,
ACL 2020), beside a trivial baseline and DATEWISE's published figures.

Data: one folder per topic with `articles.json` (records of `uid`, `dct` and PTB-tokenized
`text`) and one `*.timeline.json` reference (a list of `{date, text}`; a date may repeat, its
texts are then one day's summary). Only `dct` and `text` are read.

Text: the tokenized text is detokenized for the pipeline ("-LRB- Reuters -RRB-" -> "(Reuters)",
"Jan. 25 , 2011" -> "Jan. 25, 2011", which the tagger needs) with a map back to the tokens, so
each predicted sentence is scored as the tokens it came from, like the reference.

Protocol (news-tls `experiments/evaluate.py`): per topic, the timeline has as many dates as the
reference (`l`) and round(mean sentences per reference date) sentences per date (`k`); the days
considered and the articles read are bounded by the reference's first and last date (its
`get_input_time_span` with no extension). `--no-span` lifts the bound, which no paper figure
uses.

Metrics:
- date F1: precision and recall of the predicted dates against the reference dates (exact day).
- AR-1 / AR-2 F (alignment-based ROUGE, Martschat & Markert 2017, tilse's
  `evaluate_align_date_content_costs_many_to_one`, "align+ m:1"): each predicted date is
  aligned to the reference date of least cost, cost = (1 - 1/(|days apart| + 1)) x (1 - an
  approximate ROUGE-1 F of the two summaries); precision sums, over predicted dates, the ROUGE
  n-gram hits with its aligned reference date weighted by 1/(|days apart| + 1), over the
  predicted n-grams; recall does the same from each reference date to its least-cost predicted
  date, over the reference n-grams. ROUGE counts are those of ROUGE-1.5.5 with Porter stemming
  and stopwords removed (`-m -s`, raw counts), run by tilse's bundled Perl script; tilse's
  Python approximation (`rouge="python"`) is faster and within about 0.003 of it.
- averages: per-topic precision and recall are averaged over topics and F is taken of the
  averages, as news-tls' `get_average_results` does.

Seconds per topic are the wall time of building the timeline from the raw records (reading,
detokenizing, splitting, tagging, ranking, summarizing), without scoring.
"""

from __future__ import annotations

import bisect
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from storyline.errors import InputError, MissingDependency
from storyline.evaluate import f1, pr_f1, ratio
from storyline.models import Article, TimelineEntry
from storyline.timeline import corpus as tls

# DATEWISE on the whole of Timeline17, Table 3 of Gholipour Ghalandari & Ifrim (2020), and the
# time it took per topic as the paper reports it.
DATEWISE = {"ar1_f": 0.120, "ar2_f": 0.035, "date_f1": 0.544, "seconds": 16.0}
METHODS = ("storyline", "baseline")


# ------------------------------------------------------------------------- detokenizing


@dataclass(frozen=True, slots=True)
class Detokenized:
    """Readable text made from PTB tokens, with where each output token came from."""

    text: str
    starts: tuple[int, ...]  # start of each token in `text`
    sources: tuple[tuple[int, int], ...]  # its (start, end) in the tokenized original

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The tokenized original's span holding the tokens of `text[start:end]`."""
        first = max(0, bisect.bisect_right(self.starts, start) - 1)
        last = max(first, bisect.bisect_right(self.starts, max(start, end - 1)) - 1)
        return self.sources[first][0], self.sources[last][1]


_BRACKETS = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "``": '"',
    "''": '"',
}
_NO_SPACE_BEFORE = re.compile(r"^(?:[.,;:!?%)\]}]|'s|'S|'re|'ve|'ll|'d|'m|n't|N'T|''|'|\.\.\.)$")
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "``", "`", "#"})


def detokenize(tokenized: str) -> Detokenized:
    """Undo PTB tokenization: brackets, quotes, escaped slashes, spaces before punctuation and
    clitics ("do n't" -> "don't")."""
    parts: list[str] = []
    starts: list[int] = []
    sources: list[tuple[int, int]] = []
    length = 0
    glue_next = False
    quote_open = False
    for match in re.finditer(r"\S+", tokenized):
        token = match.group()
        shown = _BRACKETS.get(token, token.replace("\\/", "/").replace("\\*", "*"))
        if token == "`":
            shown = "'"
        glue = glue_next or (
            bool(parts) and bool(_NO_SPACE_BEFORE.match(token) or _NO_SPACE_BEFORE.match(shown))
        )
        if token == "``":
            quote_open, glue = True, glue_next
        elif token == "''":
            quote_open = False
        elif token == '"':  # an untyped quote opens or closes by turns
            glue = glue_next or (quote_open and bool(parts))
            quote_open = not quote_open
        if parts and not glue:
            parts.append(" ")
            length += 1
        starts.append(length)
        sources.append((match.start(), match.end()))
        parts.append(shown)
        length += len(shown)
        glue_next = shown in _NO_SPACE_AFTER or token in _NO_SPACE_AFTER or (token == '"' and quote_open)
    return Detokenized(text="".join(parts), starts=tuple(starts), sources=tuple(sources))


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    articles: tuple[Article, ...]
    tokenized: dict[str, str]  # article id -> the original tokenized text
    readable: dict[str, Detokenized]  # article id -> its detokenized form
    reference: dict[date, tuple[str, ...]]  # day -> tokenized reference sentences


def read_topic(folder: str | Path) -> Topic:
    """One Timeline17 topic: its articles (detokenized, dated by `dct`) and its reference."""
    folder = Path(folder)
    articles_path = folder / "articles.json"
    references = sorted(folder.glob("*.timeline.json"))
    if not articles_path.is_file() or not references:
        raise InputError(
            f"{folder} is not a Timeline17 topic: it needs articles.json and a *.timeline.json reference"
        )
    try:
        records = json.loads(articles_path.read_text("utf-8"))
        items = json.loads(references[0].read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read {folder}: {e}") from e
    articles, tokenized, readable = [], {}, {}
    for record in records:
        try:
            uid, dct, text = str(record["uid"]), date.fromisoformat(record["dct"][:10]), record["text"]
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(f"{articles_path}: a record without uid, dct or text ({e})") from e
        article_id = f"{folder.name}/{uid}"
        detok = detokenize(text)
        articles.append(
            Article(
                id=article_id, source=str(articles_path), text=detok.text, published=dct, published_from="dct"
            )
        )
        tokenized[article_id] = text
        readable[article_id] = detok
    reference: dict[date, list[str]] = {}
    for item in items:
        day = date.fromisoformat(item["date"][:10])
        reference.setdefault(day, []).extend(_reference_sentences(item["text"]))
    return Topic(
        name=folder.name,
        articles=tuple(articles),
        tokenized=tokenized,
        readable=readable,
        reference={d: tuple(s) for d, s in sorted(reference.items())},
    )


def _reference_sentences(tokenized: str) -> list[str]:
    detok = detokenize(tokenized)
    article = Article(id="ref", source="ref", text=detok.text)
    return [
        " ".join(tokenized[slice(*detok.original_span(s.start, s.end))].split())
        for s in tls.split_sentences(article)
    ]


def read_timeline17(data_dir: str | Path, topics: Sequence[str] = ()) -> list[Topic]:
    """The topics under `data_dir` (all, or those named)."""
    return [read_topic(p) for p in _topic_dirs(data_dir, topics)]


# ----------------------------------------------------------------------------- scoring


def date_scores(predicted: Sequence[date], reference: Sequence[date]) -> dict[str, float]:
    """Precision, recall and F1 of the predicted dates against the reference dates."""
    shared = len(set(predicted) & set(reference))
    return pr_f1(ratio(shared, len(set(predicted))), ratio(shared, len(set(reference))))


def alignment_rouge(
    predicted: Mapping[date, Sequence[str]], reference: Mapping[date, Sequence[str]], *, rouge: str = "perl"
) -> dict[str, dict[str, float]]:
    """AR-1 and AR-2 (many-to-one alignment by date and content) of a predicted timeline
    against one reference, both given as day -> tokenized sentences; tilse computes them."""
    try:
        from tilse.data.timelines import GroundTruth
        from tilse.data.timelines import Timeline as TilseTimeline
        from tilse.evaluation.rouge import TimelineRougeEvaluator
    except ImportError as e:
        raise MissingDependency(
            "scoring timelines needs tilse: `pip install tilse` (or `pip install storyline[eval]`)"
        ) from e
    if not predicted:
        zero = {"precision": 0.0, "recall": 0.0, "f_score": 0.0}
        return {"rouge_1": dict(zero), "rouge_2": dict(zero)}
    evaluator = TimelineRougeEvaluator(
        measures={"rouge_1", "rouge_2"}, rouge_computation="original" if rouge == "perl" else "reimpl"
    )
    ours = TilseTimeline({d: list(s) for d, s in predicted.items()})
    gold = GroundTruth([TilseTimeline({d: list(s) for d, s in reference.items()})])
    return evaluator.evaluate_align_date_content_costs_many_to_one(ours, gold)


def predicted_sentences(topic: Topic, entries: Sequence[TimelineEntry]) -> dict[date, list[str]]:
    """Each entry's cited sentence as the tokens it came from, grouped by day."""
    grouped: dict[date, list[str]] = {}
    for entry in entries:
        span = entry.cites[0]
        start, end = topic.readable[span.article_id].original_span(span.start, span.end)
        tokens = " ".join(topic.tokenized[span.article_id][start:end].split())
        grouped.setdefault(date.fromisoformat(entry.date), []).append(tokens)
    return grouped


# ----------------------------------------------------------------------------- running

Method = Callable[..., list[TimelineEntry]]


def _methods() -> dict[str, Method]:
    return {"storyline": tls.summarize_timeline, "baseline": tls.first_mentions_timeline}


def evaluate_topic(
    topic: Topic, *, rouge: str = "perl", bounded: bool = True, read_seconds: float = 0.0
) -> dict:
    """Every method's timeline of one topic, scored; with seconds (plus `read_seconds`, the
    time reading the topic took) and sizes."""
    days = sorted(topic.reference)
    per_day = max(1, round(sum(len(s) for s in topic.reference.values()) / len(days)))
    start, end = (days[0], days[-1]) if bounded else (None, None)
    out: dict = {
        "topic": topic.name,
        "articles": len(topic.articles),
        "dates": len(days),
        "sentences_per_date": per_day,
    }
    for name, method in _methods().items():
        began = time.perf_counter()
        entries = method(topic.articles, max_days=len(days), per_day=per_day, start=start, end=end)
        seconds = time.perf_counter() - began + read_seconds
        predicted = predicted_sentences(topic, entries)
        scores = alignment_rouge(predicted, topic.reference, rouge=rouge)
        dates = date_scores(list(predicted), days)
        out[name] = {
            "date_precision": dates["precision"],
            "date_recall": dates["recall"],
            "date_f1": dates["f1"],
            **{
                f"ar{n}_{k[0]}": scores[f"rouge_{n}"][m]
                for n in (1, 2)
                for k, m in (("p", "precision"), ("r", "recall"), ("f", "f_score"))
            },
            "seconds": seconds,
            "predicted_dates": len(predicted),
            "uncited": sum(1 for e in entries if not e.cites),
        }
    return out


def evaluate_tls(
    data_dir: str | Path, *, topics: Sequence[str] = (), rouge: str = "perl", bounded: bool = True
) -> dict:
    """Score storyline and the baseline on the Timeline17 topics under `data_dir`: per topic
    and averaged as news-tls averages (see the module docstring)."""
    per_topic = []
    for topic_dir in _topic_dirs(data_dir, topics):
        began = time.perf_counter()
        topic = read_topic(topic_dir)
        per_topic.append(
            evaluate_topic(topic, rouge=rouge, bounded=bounded, read_seconds=time.perf_counter() - began)
        )
    return {
        "topics": per_topic,
        "average": {m: _average([t[m] for t in per_topic]) for m in METHODS},
        "datewise": dict(DATEWISE),
        "rouge": rouge,
        "bounded": bounded,
    }


def _topic_dirs(data_dir: str | Path, topics: Sequence[str]) -> list[Path]:
    root = Path(data_dir)
    folders = (
        sorted(p for p in root.iterdir() if p.is_dir() and (p / "articles.json").is_file())
        if root.is_dir()
        else []
    )
    if topics:
        unknown = sorted(set(topics) - {p.name for p in folders})
        if unknown:
            raise InputError(
                f"no topic {', '.join(unknown)} under {root}; topics: "
                f"{', '.join(p.name for p in folders) or 'none'}"
            )
        folders = [p for p in folders if p.name in topics]
    if not folders:
        raise InputError(f"no Timeline17 topic folders (with articles.json) under {root}")
    return folders


def _average(rows: Sequence[dict]) -> dict[str, float]:
    out: dict[str, float] = {}
    for prefix in ("date_", "ar1_", "ar2_"):
        p_key = "date_precision" if prefix == "date_" else f"{prefix}p"
        r_key = "date_recall" if prefix == "date_" else f"{prefix}r"
        p = sum(r[p_key] for r in rows) / len(rows)
        r = sum(r[r_key] for r in rows) / len(rows)
        f_key = "date_f1" if prefix == "date_" else f"{prefix}f"
        out |= {p_key: p, r_key: r, f_key: f1(p, r)}
    out["seconds"] = sum(r["seconds"] for r in rows) / len(rows)
    out["uncited"] = sum(r["uncited"] for r in rows)
    return out


def render_table(result: dict) -> str:
    """The figures as Markdown: averages beside DATEWISE, then each topic."""
    avg, dw = result["average"], result["datewise"]
    lines = ["| figure | storyline | baseline (first mentions) | DATEWISE (published) |", "|---|---|---|---|"]
    for key, label in (
        ("date_f1", "date F1"),
        ("ar1_f", "AR-1 F"),
        ("ar2_f", "AR-2 F"),
        ("seconds", "seconds per topic"),
    ):
        lines.append(
            f"| {label} | {avg['storyline'][key]:.3f} | {avg['baseline'][key]:.3f} | {dw[key]:.3f} |"
        )
    lines += [
        "",
        "| topic | articles | dates | k | date F1 | AR-1 F | AR-2 F | seconds | "
        "baseline date F1 | baseline AR-1 F | baseline AR-2 F |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for t in result["topics"]:
        s, b = t["storyline"], t["baseline"]
        lines.append(
            f"| {t['topic']} | {t['articles']} | {t['dates']} | {t['sentences_per_date']} | "
            f"{s['date_f1']:.3f} | {s['ar1_f']:.3f} | {s['ar2_f']:.3f} | {s['seconds']:.1f} | "
            f"{b['date_f1']:.3f} | {b['ar1_f']:.3f} | {b['ar2_f']:.3f} |"
        )
    note = "ROUGE-1.5.5 (Perl)" if result["rouge"] == "perl" else "tilse's Python ROUGE"
    span = "reference span" if result["bounded"] else "no date bound"
    lines += ["", f"Scored with tilse, {note}; {span}; averages as news-tls (F of mean P, R)."]
    return "\n".join(lines) + "\n"


__all__ = [
    "DATEWISE",
    "Detokenized",
    "Topic",
    "alignment_rouge",
    "date_scores",
    "detokenize",
    "evaluate_tls",
    "evaluate_topic",
    "predicted_sentences",
    "read_timeline17",
    "read_topic",
    "render_table",
]
