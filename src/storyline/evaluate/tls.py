"""Score corpus timelines on Timeline17 the way news-tls does (Gholipour Ghalandari & Ifrim,
ACL 2020), beside a trivial baseline and DATEWISE's published figures.

Data: one folder per topic with `articles.json` (records of `uid`, `dct` and PTB-tokenized
`text`) and one or more `*.timeline.json` references (each a list of `{date, text}`; a date may
repeat, its texts are then one day's summary). Only `dct` and `text` are read.

Text: the tokenized text is detokenized for the pipeline ("-LRB- Reuters -RRB-" -> "(Reuters)",
"Jan. 25 , 2011" -> "Jan. 25, 2011", which the tagger needs) with a map back to the tokens, so
each predicted sentence is scored as the tokens it came from, like the reference.

Protocol (news-tls `experiments/evaluate.py`): per reference timeline of a topic, a timeline is
built with as many dates as that reference (`l`) and round(mean sentences per reference date)
sentences per date (`k`); the days considered and the articles read are bounded by the
reference's first and last date (its `get_input_time_span` with no extension), and it is scored
against that reference alone. `--no-span` lifts the bound, which no paper figure uses.

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
- averages: precision and recall are averaged over every reference timeline of every topic and
  F is taken of the averages, as news-tls' `get_average_results` does; a topic's own row
  averages its references the same way.

Cross-validation (`cross_validate`, `--cv`): the timeline settings of `settings_grid` are chosen
leave one topic out, on the other topics' timelines, and scored on the held-out topic; the
held-out scores are the honest figure, the development figures of the defaults (chosen on every
topic) flatter the method.

Seconds per topic are the wall time of building the timeline from the raw records (reading,
detokenizing, splitting, tagging, ranking, summarizing), without scoring.
"""

from __future__ import annotations

import bisect
import json
import re
import subprocess
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from storyline.config import DEFAULTS, CorpusTimelineSettings
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


Reference = dict[date, tuple[str, ...]]  # day -> tokenized reference sentences


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    articles: tuple[Article, ...]
    tokenized: dict[str, str]  # article id -> the original tokenized text
    readable: dict[str, Detokenized]  # article id -> its detokenized form
    references: tuple[tuple[str, Reference], ...]  # (file name, reference), every one of the topic


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
        timelines = [(path.name, json.loads(path.read_text("utf-8"))) for path in references]
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
    return Topic(
        name=folder.name,
        articles=tuple(articles),
        tokenized=tokenized,
        readable=readable,
        references=tuple((name, _read_reference(folder / name, items)) for name, items in timelines),
    )


def _read_reference(path: Path, items: object) -> Reference:
    reference: dict[date, list[str]] = {}
    try:
        for item in items:  # type: ignore[attr-defined]
            day = date.fromisoformat(item["date"][:10])
            reference.setdefault(day, []).extend(_reference_sentences(item["text"]))
    except (KeyError, TypeError, ValueError) as e:
        raise InputError(f"{path}: not a list of {{date, text}} items ({e})") from e
    if not reference:
        raise InputError(f"{path}: an empty reference timeline")
    return {d: tuple(s) for d, s in sorted(reference.items())}


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
    try:
        return evaluator.evaluate_align_date_content_costs_many_to_one(ours, gold)
    except (OSError, subprocess.CalledProcessError) as e:
        if rouge != "perl":
            raise
        raise MissingDependency(_rouge_perl_message(e)) from e


def _rouge_perl_message(error: OSError | subprocess.CalledProcessError) -> str:
    """One line on why ROUGE-1.5.5 did not run: the script's interpreter missing (its #! line
    names /usr/bin/perl, so perl on PATH is neither needed nor enough), or a module perl could
    not load."""
    if isinstance(error, subprocess.CalledProcessError):
        output = error.stderr or error.output or b""
        text = output.decode("utf-8", "replace") if isinstance(output, bytes) else str(output)
        found = re.search(r"Can't locate (\S+)", text)
        why = f"perl could not load {found[1]}" if found else f"it exited with status {error.returncode}"
    else:
        why = f"{error.strerror or error}: {error.filename or 'ROUGE-1.5.5.pl'}"
    return (
        f"ROUGE-1.5.5 cannot run ({why}); it needs /usr/bin/perl and perl's XML::Parser "
        "(apt-get install perl libxml-parser-perl), or score with --rouge python"
    )


def check_rouge(rouge: str) -> None:
    """Raise MissingDependency now, before any timeline is built, if `rouge` cannot score:
    tilse missing, or (perl) ROUGE-1.5.5 unable to start. The script is run as tilse runs it
    (by its #! line) with no arguments: it loads its modules, prints its usage and exits 255;
    a module it cannot load ends it at compile time with status 2."""
    day = date(2000, 1, 1)
    alignment_rouge({day: ["a test ."]}, {day: ["a test ."]}, rouge="python")  # tilse is there
    if rouge != "perl":
        return
    from pyrouge.base import ROUGE_EVAL_HOME

    script = str(Path(ROUGE_EVAL_HOME) / "ROUGE-1.5.5.pl")
    try:
        done = subprocess.run([script], capture_output=True, timeout=60, check=False)
    except OSError as e:
        raise MissingDependency(_rouge_perl_message(e)) from e
    except subprocess.TimeoutExpired as e:
        raise MissingDependency(
            f"ROUGE-1.5.5 did not start within 60 s ({script}); try --rouge python"
        ) from e
    if b"Can't locate" in done.stderr or b"BEGIN failed" in done.stderr or done.returncode == 2:
        error = subprocess.CalledProcessError(done.returncode, script, done.stdout, done.stderr)
        raise MissingDependency(_rouge_perl_message(error)) from error
    alignment_rouge({day: ["a test ."]}, {day: ["a test ."]}, rouge=rouge)


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


def _task(reference: Reference, bounded: bool) -> tuple[int, int, date | None, date | None]:
    """What news-tls asks for against one reference: its number of dates, its mean sentences
    per date, and (bounded) its first and last date."""
    days = sorted(reference)
    per_day = max(1, round(sum(len(s) for s in reference.values()) / len(days)))
    return (len(days), per_day, *((days[0], days[-1]) if bounded else (None, None)))


def _scores(
    topic: Topic, reference: Reference, entries: Sequence[TimelineEntry], rouge: str
) -> dict[str, float]:
    predicted = predicted_sentences(topic, entries)
    scores = alignment_rouge(predicted, reference, rouge=rouge)
    dates = date_scores(list(predicted), list(reference))
    return {
        "date_precision": dates["precision"],
        "date_recall": dates["recall"],
        "date_f1": dates["f1"],
        **{
            f"ar{n}_{k[0]}": scores[f"rouge_{n}"][m]
            for n in (1, 2)
            for k, m in (("p", "precision"), ("r", "recall"), ("f", "f_score"))
        },
        "predicted_dates": len(predicted),
        "uncited": sum(1 for e in entries if not e.cites),
    }


def evaluate_topic(
    topic: Topic,
    *,
    rouge: str = "perl",
    bounded: bool = True,
    read_seconds: float = 0.0,
    settings: CorpusTimelineSettings = DEFAULTS.corpus_timeline,
) -> dict:
    """Every method's timelines of one topic, one per reference timeline (each asked for as
    many dates and sentences as its reference, within its span), scored against that
    reference; the topic's figures are the mean over its references. With seconds (plus
    `read_seconds`, the time reading the topic took) and sizes."""
    out: dict = {
        "topic": topic.name,
        "articles": len(topic.articles),
        "references": len(topic.references),
        "dates": round(sum(len(r) for _, r in topic.references) / len(topic.references), 1),
        "sentences_per_date": round(
            sum(_task(r, bounded)[1] for _, r in topic.references) / len(topic.references), 1
        ),
        "timelines": [],
    }
    for name, reference in topic.references:
        max_days, per_day, start, end = _task(reference, bounded)
        row: dict = {"reference": name, "dates": max_days, "sentences_per_date": per_day}
        for method in METHODS:
            began = time.perf_counter()
            if method == "storyline":
                entries = tls.summarize_timeline(
                    topic.articles,
                    max_days=max_days,
                    per_day=per_day,
                    start=start,
                    end=end,
                    settings=settings,
                )
            else:
                entries = tls.first_mentions_timeline(
                    topic.articles, max_days=max_days, per_day=per_day, start=start, end=end
                )
            seconds = time.perf_counter() - began + read_seconds / len(topic.references)
            row[method] = {**_scores(topic, reference, entries, rouge), "seconds": seconds}
        out["timelines"].append(row)
    for method in METHODS:
        out[method] = _average([row[method] for row in out["timelines"]])
        out[method]["seconds"] = sum(row[method]["seconds"] for row in out["timelines"])
    return out


def evaluate_tls(
    data_dir: str | Path,
    *,
    topics: Sequence[str] = (),
    rouge: str = "perl",
    bounded: bool = True,
    settings: CorpusTimelineSettings = DEFAULTS.corpus_timeline,
) -> dict:
    """Score storyline and the baseline on the Timeline17 topics under `data_dir`: per topic
    and averaged over every reference timeline as news-tls averages (see the module
    docstring)."""
    folders = _topic_dirs(data_dir, topics)
    check_rouge(rouge)
    per_topic = []
    for topic_dir in folders:
        began = time.perf_counter()
        topic = read_topic(topic_dir)
        per_topic.append(
            evaluate_topic(
                topic,
                rouge=rouge,
                bounded=bounded,
                read_seconds=time.perf_counter() - began,
                settings=settings,
            )
        )
    average = {m: _average([row[m] for t in per_topic for row in t["timelines"]]) for m in METHODS}
    for m in METHODS:
        average[m]["seconds"] = sum(t[m]["seconds"] for t in per_topic) / len(per_topic)
    return {
        "topics": per_topic,
        "average": average,
        "datewise": dict(DATEWISE),
        "rouge": rouge,
        "bounded": bounded,
        "timelines": sum(t["references"] for t in per_topic),
    }


# ---------------------------------------------------------------------- cross-validation

# The settings cross-validation chooses among: the lead clip (0: none) and how far apart the
# chosen days keep (0: by rank alone). Every other setting keeps its default.
GRID_LEAD_SENTENCES = (3, 5, 10, 0)
GRID_SPREAD = (0.0, 1.0, 2.0, 4.0)


def settings_grid(base: CorpusTimelineSettings = DEFAULTS.corpus_timeline) -> list[CorpusTimelineSettings]:
    """Every combination of the cross-validated settings, the rest as in `base`."""
    return [
        replace(base, lead_sentences=lead, spread=spread)
        for lead in GRID_LEAD_SENTENCES
        for spread in GRID_SPREAD
    ]


def _criterion(rows: Sequence[dict]) -> float:
    """What a fold maximizes on its training timelines: date F1, AR-1 F and AR-2 F, each over
    DATEWISE's published figure, summed, so that the three weigh alike."""
    average = _average(rows)
    return round(sum(average[k] / DATEWISE[k] for k in ("date_f1", "ar1_f", "ar2_f")), 9)


def choose_by_folds(
    rows: Mapping[tuple[int, str], Sequence[dict]], topics: Sequence[str], settings: int
) -> list[int]:
    """For each topic, the setting (an index below `settings`) whose scores `rows[(setting,
    topic)]` are best over every other topic's timelines; the topic's own never count. Ties go
    to the earlier setting."""
    chosen = []
    for held_out in topics:
        train = [t for t in topics if t != held_out]
        chosen.append(
            max(range(settings), key=lambda g: (_criterion([r for t in train for r in rows[(g, t)]]), -g))
        )
    return chosen


def _described(settings: CorpusTimelineSettings) -> dict[str, float]:
    return {"lead_sentences": settings.lead_sentences, "spread": settings.spread}


def cross_validate(
    topics: Sequence[Topic],
    *,
    rouge: str = "perl",
    bounded: bool = True,
    grid: Sequence[CorpusTimelineSettings] | None = None,
) -> dict:
    """Leave one topic out: for each topic, the setting of `grid` that scores best (see
    `_criterion`) on the other topics' timelines is scored on its own; the
    held-out scores, averaged over every reference timeline, are the cross-validated figure.
    Each (setting, timeline) is built and scored once; every fold reads those scores."""
    grid = list(grid) if grid is not None else settings_grid()
    if len(topics) < 2:
        raise InputError("cross-validation needs at least two topics")
    rows: dict[tuple[int, str], list[dict]] = {}
    for topic in topics:
        for _, reference in topic.references:
            max_days, per_day, start, end = _task(reference, bounded)
            corpus = tls.read_corpus(topic.articles, start=start, end=end)
            for g, settings in enumerate(grid):
                entries = tls.timeline_of(corpus, max_days=max_days, per_day=per_day, settings=settings)
                rows.setdefault((g, topic.name), []).append(_scores(topic, reference, entries, rouge))
    names = [t.name for t in topics]
    folds: list[dict] = []
    held_out: list[dict] = []
    for name, best in zip(names, choose_by_folds(rows, names, len(grid)), strict=True):
        scored = rows[(best, name)]
        held_out.extend(scored)
        folds.append({"held_out": name, "chosen": _described(grid[best]), **_average(scored)})
    chosen = Counter(tuple(sorted(f["chosen"].items())) for f in folds)
    # the product's default: the setting most folds chose (ties: the earlier in the grid)
    modal = max(chosen, key=lambda c: (chosen[c], -_grid_index(grid, dict(c))))
    return {
        "folds": folds,
        "average": _average(held_out),
        "modal": dict(modal),
        "grid": [_described(g) for g in grid],
        "rouge": rouge,
        "bounded": bounded,
    }


def _grid_index(grid: Sequence[CorpusTimelineSettings], described: Mapping[str, float]) -> int:
    return next(i for i, g in enumerate(grid) if _described(g) == dict(described))


def evaluate_tls_cv(
    data_dir: str | Path, *, topics: Sequence[str] = (), rouge: str = "perl", bounded: bool = True
) -> dict:
    """The development figures of the default settings (`evaluate_tls`) and, beside them, the
    leave-one-topic-out cross-validated figures (`cross_validate`)."""
    result = evaluate_tls(data_dir, topics=topics, rouge=rouge, bounded=bounded)
    found = read_timeline17(data_dir, topics)
    result["cv"] = cross_validate(found, rouge=rouge, bounded=bounded)
    return result


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
    if all("seconds" in r for r in rows):
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
            f"| {t['topic']} | {t['articles']} | {t['dates']:g} | {t['sentences_per_date']:g} | "
            f"{s['date_f1']:.3f} | {s['ar1_f']:.3f} | {s['ar2_f']:.3f} | {s['seconds']:.1f} | "
            f"{b['date_f1']:.3f} | {b['ar1_f']:.3f} | {b['ar2_f']:.3f} |"
        )
    if "cv" in result:
        lines += ["", *_cv_lines(result)]
    note = "ROUGE-1.5.5 (Perl)" if result["rouge"] == "perl" else "tilse's Python ROUGE"
    span = "reference span" if result["bounded"] else "no date bound"
    lines += ["", f"Scored with tilse, {note}; {span}; averages as news-tls (F of mean P, R)."]
    return "\n".join(lines) + "\n"


def _cv_lines(result: dict) -> list[str]:
    """The cross-validated figures beside the development ones, then each fold."""
    cv, dev, dw = result["cv"], result["average"]["storyline"], result["datewise"]
    lines = [
        "| figure | storyline, cross-validated (leave one topic out) | storyline, development (defaults) "
        "| DATEWISE (published) |",
        "|---|---|---|---|",
    ]
    for key, label in (("date_f1", "date F1"), ("ar1_f", "AR-1 F"), ("ar2_f", "AR-2 F")):
        lines.append(f"| {label} | {cv['average'][key]:.3f} | {dev[key]:.3f} | {dw[key]:.3f} |")
    lines += [
        "",
        "| held-out topic | chosen on the other topics | date F1 | AR-1 F | AR-2 F |",
        "|---|---|---|---|---|",
    ]
    for fold in cv["folds"]:
        chosen = ", ".join(f"{k} {v:g}" for k, v in fold["chosen"].items())
        figures = " | ".join(f"{fold[k]:.3f}" for k in ("date_f1", "ar1_f", "ar2_f"))
        lines.append(f"| {fold['held_out']} | {chosen} | {figures} |")
    modal = ", ".join(f"{k} {v:g}" for k, v in cv["modal"].items())
    lines += ["", f"Most folds chose {modal} (the defaults are this choice)."]
    return lines


__all__ = [
    "DATEWISE",
    "Detokenized",
    "Topic",
    "alignment_rouge",
    "check_rouge",
    "choose_by_folds",
    "cross_validate",
    "date_scores",
    "detokenize",
    "evaluate_tls",
    "evaluate_tls_cv",
    "evaluate_topic",
    "predicted_sentences",
    "read_timeline17",
    "read_topic",
    "render_table",
    "settings_grid",
]
