"""Precision of the briefing as a reader sees it, against an audit set judged line by line.

The audit batches (`trust.audit_batches`: a second window of each Timeline17 story, held apart
from the development batches) are briefed, and every line a reader sees is an item of one kind:

- `quote`: a shown quote, right when it is a real statement (not negated, declined, imagined,
  an action or a belief) and its speaker is right;
- `timeline`: a timeline entry, right when it states an event and its date is right for its tense;
- `conflict`, `consensus`: a claim across outlets, right when the cited sentences really
  contradict each other / two independent outlets really say the same;
- `summary`: a summary line, right when it is a clean whole sentence supported by its cites.

Judgments are data, one JSON object per line in `storyline/data/audit/<story>.jsonl`: the
item's key fields, `verdict` (`right` or `wrong`), `reason`, and for a wrong item an error
`category`. The key survives unrelated changes: it names an article by its Timeline17 identity
(`TOPIC/uid`, not the content-hash article id), and text by a digest of its words (plus a
short snippet for the reader): a quote by article, speaker and words; a timeline entry by the
article of its first cite, date and text; a claim by its label and the set of its cited
sentences' texts (claims are regrouped when events change); a summary line by its text and the
set of its cited texts. An item that no judgment matches is `unjudged`, and is never counted
right: precision is over judged items, coverage is the judged share.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path

from storyline.errors import InputError
from storyline.models import Article, Briefing, Span, quote_words

KINDS = ("quote", "timeline", "conflict", "consensus", "summary")
VERDICTS = ("right", "wrong")
# The fields that match an item to its judgment (the others are for the reader).
_KEY_FIELDS = ("kind", "article", "speaker", "date", "digest")
_SNIPPET = 80


def default_audit_dir() -> Path:
    """The bundled judgments: `storyline/data/audit/`."""
    return Path(str(resources.files("storyline") / "data" / "audit"))


def digest(texts: Iterable[str]) -> str:
    """A short digest of texts, the same whatever their order and spacing."""
    joined = "\n".join(sorted(" ".join(t.split()) for t in texts))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 3] + "..."


def match_key(record: Mapping) -> tuple:
    """The fields of an item or a judgment that must be equal for one to judge the other."""
    return tuple(record.get(name) for name in _KEY_FIELDS)


def _context(article: Article | None, marks: Sequence[tuple[Span | None, str, str]], width: int = 120) -> str:
    """The text around the first marked span of one article, with each marked span that lies
    inside that stretch wrapped in its marks."""
    spans = [(s, o, c) for s, o, c in marks if s is not None]
    if article is None or not spans:
        return ""
    start = max(0, spans[0][0].start - width)
    end = min(len(article.text), spans[0][0].end + width)
    inserts: list[tuple[int, int, str]] = []
    for span, opening, closing in spans:
        if span.start >= start and span.end <= end:
            inserts += [(span.start, 1, opening), (span.end, 0, closing)]
    text = article.text
    pieces, at = [], start
    for offset, _, mark in sorted(inserts):
        pieces += [text[at:offset], mark]
        at = offset
    pieces.append(text[at:end])
    return " ".join("".join(pieces).split())


def audit_items(briefing: Briefing, identity: Mapping[str, str]) -> list[dict]:
    """Every line of the briefing a reader sees, as an item: its key fields, the line as shown,
    and the source text around each of its spans (for judging)."""
    articles = {a.id: a for a in briefing.articles}

    def name(article_id: str) -> str:
        return identity.get(article_id, article_id)

    def where(span: Span) -> str:
        article = articles.get(span.article_id)
        published = article.published.isoformat() if article and article.published else "undated"
        outlet = article.outlet if article and article.outlet else "?"
        return f"{name(span.article_id)} ({outlet}, {published})"

    def cited(span: Span) -> str:
        article = articles.get(span.article_id)
        return article.text[span.start : span.end] if article else ""

    items: list[dict] = []
    for quote in briefing.quotes:
        words = quote_words(quote)
        content = list(quote.parts) or [Span(article_id=quote.article_id, start=quote.start, end=quote.end)]
        marks: list[tuple[Span | None, str, str]] = [(s, "[[", "]]") for s in content]
        marks += [(quote.speaker_span, "{{", "}}"), (quote.cue_span, "<<", ">>")]
        items.append(
            {
                "kind": "quote",
                "article": name(quote.article_id),
                "speaker": quote.speaker,
                "digest": digest([words]),
                "text": _snippet(words),
                "shown": f"{quote.speaker or '(unattributed)'}: {words} ({quote.cue or '-'}, {quote.kind})",
                "context": [f"{where(content[0])}: {_context(articles.get(quote.article_id), marks)}"],
            }
        )
    for entry in briefing.timeline:
        first = entry.cites[0] if entry.cites else None
        items.append(
            {
                "kind": "timeline",
                "article": name(first.article_id) if first else None,
                "date": entry.date,
                "digest": digest([entry.text]),
                "text": _snippet(entry.text),
                "shown": f"{entry.date} ({entry.precision}, dated by {entry.dated_by}): {entry.text}",
                "context": [
                    f"{where(cite)}: "
                    + _context(
                        articles.get(cite.article_id),
                        [(cite, "[[", "]]")]
                        + [(d, "<<", ">>") for d in entry.date_cites if d.article_id == cite.article_id],
                    )
                    for cite in entry.cites
                ],
            }
        )
    for claim in briefing.claims:
        if claim.status == "unique":  # not shown: "N statements carried by one outlet only"
            continue
        items.append(
            {
                "kind": claim.status,
                "digest": digest(cited(c) for c in claim.cites),
                "text": _snippet(claim.text),
                "shown": f"{claim.status} [{'; '.join(claim.outlets)}]: {claim.text}"
                + (f" ({claim.note})" if claim.note else ""),
                "context": [
                    f"{where(c)}: {_context(articles.get(c.article_id), [(c, '[[', ']]')], 60)}"
                    for c in claim.cites
                ],
            }
        )
    for event in briefing.events:
        for line in event.summary:
            items.append(
                {
                    "kind": "summary",
                    "digest": digest([line.text, *sorted(cited(c) for c in line.cites)]),
                    "text": _snippet(line.text),
                    "shown": line.text,
                    "context": [
                        f"{where(c)}: {_context(articles.get(c.article_id), [(c, '[[', ']]')], 60)}"
                        for c in line.cites
                    ],
                }
            )
    return items


def read_judgments(folder: str | Path) -> dict[tuple, dict]:
    """The judgments of every `*.jsonl` file in `folder`, by match key."""
    judgments: dict[tuple, dict] = {}
    for path in sorted(Path(folder).glob("*.jsonl")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except ValueError as e:
                raise InputError(f"{where}: invalid JSON ({e})") from e
            if not isinstance(record, dict) or record.get("kind") not in KINDS:
                raise InputError(f"{where}: a judgment needs a kind, one of {', '.join(KINDS)}")
            if record.get("verdict") not in VERDICTS:
                raise InputError(f"{where}: verdict {record.get('verdict')!r} is not 'right' or 'wrong'")
            if not record.get("reason"):
                raise InputError(f"{where}: a judgment needs a reason")
            if record["verdict"] == "wrong" and not record.get("category"):
                raise InputError(f"{where}: a wrong judgment needs an error category (docs/evaluation.md)")
            key = match_key(record)
            if key in judgments and judgments[key]["verdict"] != record["verdict"]:
                raise InputError(
                    f"{where}: judged {record['verdict']} here and {judgments[key]['verdict']} before"
                )
            judgments[key] = record
    return judgments


def score_items(items: Sequence[dict], judgments: Mapping[tuple, dict]) -> dict[str, dict]:
    """Per kind: items, judged right, judged wrong, unjudged, precision over the judged items
    (None when none is judged) and coverage (the judged share)."""
    scores = {}
    for kind in KINDS:
        verdicts = Counter(
            judgments[k]["verdict"] if (k := match_key(item)) in judgments else "unjudged"
            for item in items
            if item["kind"] == kind
        )
        judged = verdicts["right"] + verdicts["wrong"]
        total = judged + verdicts["unjudged"]
        scores[kind] = {
            "items": total,
            "right": verdicts["right"],
            "wrong": verdicts["wrong"],
            "unjudged": verdicts["unjudged"],
            "precision": verdicts["right"] / judged if judged else None,
            "coverage": judged / total if total else 1.0,
        }
    return scores


def evaluate_audit(
    data_dir: str | Path, *, judgments_dir: str | Path | None = None, size: int = 20, unjudged: bool = False
) -> dict:
    """Brief the audit batches and score every shown line against the judgments: per batch and
    per kind over all batches; with `unjudged`, also every item no judgment matches, with its
    context and a stub to fill in."""
    from storyline.evaluate.trust import audit_batches, brief_batch

    judgments = read_judgments(judgments_dir or default_audit_dir())
    result: dict = {"batches": [], "unjudged": []}
    every: list[dict] = []
    for story, articles in audit_batches(data_dir, size=size):
        briefing, identity = brief_batch(story, articles)
        items = audit_items(briefing, identity)
        every += items
        result["batches"].append(
            {"story": story, "articles": len(briefing.articles), "kinds": score_items(items, judgments)}
        )
        if unjudged:
            result["unjudged"] += [
                {"story": story, **item} for item in items if match_key(item) not in judgments
            ]
    result["kinds"] = score_items(every, judgments)
    return result


def judgment_stub(item: Mapping) -> dict:
    """The line to fill in (verdict, reason, and for a wrong line its category) and add to
    `<story>.jsonl`."""
    stub = {k: item[k] for k in ("kind", "article", "speaker", "date", "digest", "text") if k in item}
    return {**stub, "verdict": None, "reason": None, "category": None}


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def render_table(result: dict) -> str:
    """Per kind, over all batches and per batch: judged right and wrong, unjudged, precision and
    coverage; then the unjudged items if they were asked for."""
    lines = [
        "| batch | kind | items | right | wrong | unjudged | precision | coverage |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = [("all", result["kinds"])] + [(b["story"], b["kinds"]) for b in result["batches"]]
    for story, kinds in rows:
        for kind, s in kinds.items():
            lines.append(
                f"| {story} | {kind} | {s['items']} | {s['right']} | {s['wrong']} | {s['unjudged']} | "
                f"{_figure(s['precision'])} | {s['coverage']:.0%} |"
            )
    if result.get("unjudged"):
        lines += [
            "",
            f"{len(result['unjudged'])} unjudged items (add each filled-in stub to its story's file):",
        ]
    for item in result.get("unjudged", []):
        lines += ["", f"## {item['story']} {item['kind']}: {item['shown']}"]
        lines += [f"- {context}" for context in item["context"]]
        lines.append("```\n" + json.dumps(judgment_stub(item), ensure_ascii=False) + "\n```")
    return "\n".join(lines) + "\n"
