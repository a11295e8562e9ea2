"""Checks that every briefing must pass, whatever its articles: the errors a reader of real
multi-outlet coverage found most misleading, found without labelled data.

Each check returns a description of every line that breaks it, so a failing gate says which
line is wrong and why. They are checks of the briefing as a reader sees it, written apart from
the rules that build it (`storyline.quotes.acts` and the others), so that one cannot hide an
error of the other.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from storyline.errors import InputError
from storyline.models import Article, Briefing, Span
from storyline.quotes.acts import is_bare_pronoun
from storyline.sentences import is_whole_sentence

# Words just before a cue that say the speech did not happen ("did not say", "declined to
# confirm", "never said", "no one has said").
_NOT_SAID = re.compile(
    r"\b(?:not|n't|never|no\s+one|nobody|declined\s+to|refused\s+to|failed\s+to)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# A four-digit number read as a clock time: "at 2000 GMT", "1905:" opening a live-blog line.
_CLOCK = re.compile(r"^\d{4}$")
_CLOCK_AFTER = re.compile(r"^\s*(?:GMT|UTC|BST|EST|EDT|CET|local\s+time|hrs|hours)\b|^:", re.IGNORECASE)
_CLOCK_BEFORE = re.compile(r"\bat\s+$", re.IGNORECASE)


def automatic_checks(briefing: Briefing) -> dict[str, list[str]]:
    """Every check's violations (empty lists when the briefing passes)."""
    articles = {a.id: a for a in briefing.articles}
    checks: dict[str, Callable[[Briefing, Mapping[str, Article]], list[str]]] = {
        "pronoun_speaker": _pronoun_speakers,
        "negated_cue": _negated_cues,
        "single_outlet_consensus": _single_outlet_consensus,
        "clock_time_as_year": _clock_times_as_years,
        "summary_fragment": _summary_fragments,
        "timeline_fragment": _timeline_fragments,
    }
    return {name: check(briefing, articles) for name, check in checks.items()}


def _text(articles: Mapping[str, Article], span: Span) -> str:
    article = articles.get(span.article_id)
    return article.text[span.start : span.end] if article else ""


def _pronoun_speakers(briefing: Briefing, articles: Mapping[str, Article]) -> list[str]:
    return [
        f"{q.id}: speaker {q.speaker!r} for {q.text[:60]!r}"
        for q in briefing.quotes
        if q.speaker is not None and is_bare_pronoun(q.speaker)
    ]


def _negated_cues(briefing: Briefing, articles: Mapping[str, Article]) -> list[str]:
    found = []
    for quote in briefing.quotes:
        if quote.cue_span is None or quote.cue_span.article_id not in articles:
            continue
        text = articles[quote.cue_span.article_id].text
        before = text[max(0, quote.cue_span.start - 40) : quote.cue_span.start]
        if _NOT_SAID.search(before):
            found.append(f"{quote.id}: {before.strip()[-30:]!r} {quote.cue!r} {quote.text[:50]!r}")
    return found


def _single_outlet_consensus(briefing: Briefing, articles: Mapping[str, Article]) -> list[str]:
    return [
        f"{c.id}: consensus of {list(c.outlets)} on {c.text[:60]!r}"
        for c in briefing.claims
        if c.status == "consensus" and len({o.strip().lower() for o in c.outlets if o}) < 2
    ]


def _clock_times_as_years(briefing: Briefing, articles: Mapping[str, Article]) -> list[str]:
    found = []
    for entry in (*briefing.timeline, *briefing.corpus_timeline):
        for cite in entry.date_cites:
            if not _CLOCK.match(_text(articles, cite)):
                continue
            text = articles[cite.article_id].text
            if _CLOCK_AFTER.match(text[cite.end : cite.end + 12]) or _CLOCK_BEFORE.search(
                text[max(0, cite.start - 4) : cite.start]
            ):
                found.append(f"{entry.date}: {text[max(0, cite.start - 10) : cite.end + 10]!r}")
    return found


def _summary_fragments(briefing: Briefing, articles: Mapping[str, Article]) -> list[str]:
    return [
        f"{event.id}: {line.text.strip()[:80]!r}"
        for event in briefing.events
        for line in event.summary
        if not is_whole_sentence(line.text) or not line.cites
    ]


def _timeline_fragments(briefing: Briefing, articles: Mapping[str, Article]) -> list[str]:
    return [
        f"{entry.date}: {entry.text.strip()[:80]!r}"
        for entry in (*briefing.timeline, *briefing.corpus_timeline)
        if not is_whole_sentence(entry.text) or not entry.cites
    ]


# Multi-outlet batches: the Timeline17 topics that two outlets cover, read together.
_OUTLET_OF_TOPIC = re.compile(
    r"_(bbc|reuters|cnn|guardian|foxnews|washingtonpost|nytimes|ap)$", re.IGNORECASE
)


def trust_batches(data_dir: str | Path, *, size: int = 30, days: int = 3) -> list[tuple[str, list[Article]]]:
    """Batches of real coverage: for each story (topics named `STORY_OUTLET` are one story told
    by several outlets), the `size` articles of its busiest `days`-day window, each article
    tagged with its outlet."""
    from storyline.evaluate.tls import read_topic

    stories: dict[str, list[Article]] = defaultdict(list)
    folders = sorted(p for p in Path(data_dir).iterdir() if (p / "articles.json").is_file())
    if not folders:
        raise InputError(f"{data_dir} holds no Timeline17 topic (folders with articles.json)")
    for folder in folders:
        match = _OUTLET_OF_TOPIC.search(folder.name)
        story = folder.name[: match.start()] if match else folder.name
        outlet = match.group(1).upper() if match else None
        for article in read_topic(folder).articles:
            stories[story].append(replace(article, outlet=outlet, source=article.id))
    batches = []
    for story, articles in sorted(stories.items()):
        dated = sorted(((a.published, a) for a in articles if a.published), key=lambda p: (p[0], p[1].id))
        best: list[Article] = []
        for i, (day, _) in enumerate(dated):
            window = [a for when, a in dated[i:] if (when - day).days < days]
            if len(window) > len(best):
                best = window
        batches.append((story, best[:size]))
    return batches


def evaluate_trust(data_dir: str | Path, *, size: int = 30) -> dict:
    """The automatic checks on a briefing of each multi-outlet batch, and how many articles end
    alone in an event of their own."""
    import json
    import tempfile

    from storyline.pipeline import brief

    result: dict = {"batches": []}
    for story, articles in trust_batches(data_dir, size=size):
        # Through the whole product as a user runs it: a JSONL file of the batch, then `brief`.
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{story}.jsonl"
            path.write_text(
                "".join(
                    json.dumps({"text": a.text, "published": a.published.isoformat(), "outlet": a.outlet})
                    + "\n"
                    for a in articles
                    if a.published
                ),
                "utf-8",
            )
            briefing = brief([path])
        alone = sum(len(e.article_ids) for e in briefing.events if len(e.article_ids) == 1)
        checks = automatic_checks(briefing)
        result["batches"].append(
            {
                "story": story,
                "articles": len(briefing.articles),
                "outlets": sorted({a.outlet or "?" for a in briefing.articles}),
                "events": len(briefing.events),
                "alone_share": alone / len(briefing.articles) if briefing.articles else 0.0,
                "quotes": len(briefing.quotes),
                "timeline": len(briefing.timeline),
                "corpus_timeline": len(briefing.corpus_timeline),
                "claims": len(briefing.claims),
                "violations": {name: len(found) for name, found in checks.items()},
                "examples": {name: found[:3] for name, found in checks.items() if found},
            }
        )
    return result


def render_table(result: dict) -> str:
    """Each batch's figures and its count of each check's violations as a Markdown table."""
    names = list(result["batches"][0]["violations"]) if result["batches"] else []
    lines = [
        "| story | articles | outlets | events | alone | quotes | "
        + " | ".join(n.replace("_", " ") for n in names)
        + " |",
        "|---" * (6 + len(names)) + "|",
    ]
    for batch in result["batches"]:
        lines.append(
            f"| {batch['story']} | {batch['articles']} | {', '.join(batch['outlets'])} | {batch['events']} | "
            f"{batch['alone_share']:.0%} | {batch['quotes']} | "
            + " | ".join(str(batch["violations"][n]) for n in names)
            + " |"
        )
    for batch in result["batches"]:
        for name, found in batch["examples"].items():
            lines += ["", f"{batch['story']}, {name}:"] + [f"- {line}" for line in found]
    return "\n".join(lines) + "\n"
