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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
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


def _stories(data_dir: str | Path) -> dict[str, list[Article]]:
    """Each story's articles (topics named `STORY_OUTLET` are one story told by several
    outlets), each tagged with its outlet; `Article.id` and `source` are `TOPIC/uid`."""
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
    return dict(sorted(stories.items()))


def _busiest_window(
    articles: list[Article], days: int, *, outside: tuple[date, date] | None = None
) -> list[Article]:
    """The dated articles of the `days`-day window holding the most of them (the earliest on a
    tie), in order of date then id; with `outside`, only windows that share no day with that
    (first, last) range of days."""
    dated = sorted(((a.published, a) for a in articles if a.published), key=lambda p: (p[0], p[1].id))
    best: list[Article] = []
    for i, (day, _) in enumerate(dated):
        if outside is not None and day <= outside[1] and day + timedelta(days=days - 1) >= outside[0]:
            continue
        window = [a for when, a in dated[i:] if (when - day).days < days]
        if len(window) > len(best):
            best = window
    return best


def trust_batches(data_dir: str | Path, *, size: int = 30, days: int = 3) -> list[tuple[str, list[Article]]]:
    """Batches of real coverage: for each story (topics named `STORY_OUTLET` are one story told
    by several outlets), the `size` articles of its busiest `days`-day window, each article
    tagged with its outlet."""
    return [(story, _busiest_window(articles, days)[:size]) for story, articles in _stories(data_dir).items()]


def audit_batches(data_dir: str | Path, *, size: int = 20, days: int = 3) -> list[tuple[str, list[Article]]]:
    """The audit batches: held apart from the development batches of `trust_batches`, which
    others have read while building the rules.

    For each story, the busiest `days`-day window among the windows that share no day with its
    development window (the whole `days`-day window `trust_batches` picks, not only the
    articles it keeps), and from it up to `size` articles taken in turn from each (day, outlet)
    group (each group in order of article id), so that a batch spreads over its days and its
    outlets instead of filling up with the first day. Deterministic: it depends only on the
    `dct` and `uid` of the records in `articles.json`."""
    batches = []
    for story, articles in _stories(data_dir).items():
        development = _busiest_window(articles, days)
        if not development:
            continue
        first = min(a.published for a in development if a.published)
        window = _busiest_window(articles, days, outside=(first, first + timedelta(days=days - 1)))
        groups: dict[tuple[date | None, str | None], list[Article]] = defaultdict(list)
        for article in window:
            groups[(article.published, article.outlet)].append(article)
        queues = [groups[k] for k in sorted(groups, key=lambda k: (str(k[0]), k[1] or ""))]
        picked: list[Article] = []
        while len(picked) < size and any(queues):
            for queue in queues:
                if queue and len(picked) < size:
                    picked.append(queue.pop(0))
        batches.append((story, sorted(picked, key=lambda a: (a.published or date.min, a.id))))
    return batches


def mixed_batch(
    batches: list[tuple[str, list[Article]]], stories: tuple[str, str] = ("H1N1", "bpoil")
) -> list[Article]:
    """Half of each of two stories' batches read together, each article's outlet tagged with
    its story ("BBC | bpoil"): no event or story may hold both."""
    chosen = [(story, articles) for story, articles in batches if story in stories]
    if len(chosen) < 2:
        return []
    half = min(len(articles) for _, articles in chosen) // 2
    return [replace(a, outlet=f"{a.outlet} | {story}") for story, articles in chosen for a in articles[:half]]


def brief_batch(story: str, articles: Sequence[Article]) -> tuple[Briefing, dict[str, str]]:
    """The briefing of one batch, made through the whole product as a user runs it (a JSONL
    file of the batch, then `brief`), and the identity (`TOPIC/uid` in Timeline17) of each of
    its articles by article id."""
    import json
    import tempfile

    from storyline.pipeline import brief

    dated = [a for a in articles if a.published]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{story}.jsonl"
        path.write_text(
            "".join(
                json.dumps({"text": a.text, "published": a.published.isoformat(), "outlet": a.outlet}) + "\n"
                for a in dated
                if a.published
            ),
            "utf-8",
        )
        briefing = brief([path])
    # Without a URL an article's source is `FILE:LINE`, and line N is the batch's Nth article.
    identity = {}
    for article in briefing.articles:
        line = article.source.rpartition(":")[2]
        if line.isdigit() and 0 < int(line) <= len(dated):
            identity[article.id] = dated[int(line) - 1].id
    return briefing, identity


def mixed_events(briefing: Briefing) -> tuple[int, int]:
    """How many events, and how many stories, hold articles of two stories (each article's
    story after the "|" of its outlet, as `mixed_batch` tags it)."""
    story_of = {a.id: (a.outlet or "").rpartition(" | ")[2] for a in briefing.articles}
    members = {e.id: e.article_ids for e in briefing.events}
    events = sum(len({story_of[i] for i in e.article_ids}) > 1 for e in briefing.events)
    stories = sum(
        len({story_of[i] for eid in s.event_ids for i in members[eid]}) > 1 for s in briefing.stories
    )
    return events, stories


def evaluate_trust(data_dir: str | Path, *, size: int = 30) -> dict:
    """The automatic checks on a briefing of each multi-outlet batch, how many articles end
    alone in an event of their own, and, on a batch mixing two stories, how many events and
    stories hold both."""
    result: dict = {"batches": []}
    batches = trust_batches(data_dir, size=size)
    for story, articles in batches:
        briefing, _ = brief_batch(story, articles)
        alone = sum(len(e.article_ids) for e in briefing.events if len(e.article_ids) == 1)
        checks = automatic_checks(briefing)
        result["batches"].append(
            {
                "story": story,
                "articles": len(briefing.articles),
                "outlets": sorted({a.outlet or "?" for a in briefing.articles}),
                "events": len(briefing.events),
                "stories": len(briefing.stories),
                "alone": alone,
                "alone_share": alone / len(briefing.articles) if briefing.articles else 0.0,
                "quotes": len(briefing.quotes),
                "timeline": len(briefing.timeline),
                "corpus_timeline": len(briefing.corpus_timeline),
                "claims": len(briefing.claims),
                "violations": {name: len(found) for name, found in checks.items()},
                "examples": {name: found[:3] for name, found in checks.items() if found},
            }
        )
    mixed = mixed_batch(batches)
    if mixed:
        briefing, _ = brief_batch("mixed", mixed)
        events, stories = mixed_events(briefing)
        result["mixed"] = {
            "stories": sorted({(a.outlet or "").rpartition(" | ")[2] for a in mixed}),
            "articles": len(briefing.articles),
            "events": len(briefing.events),
            "threads": len(briefing.stories),
            "mixed_events": events,
            "mixed_stories": stories,
        }
    return result


def render_table(result: dict) -> str:
    """Each batch's figures and its count of each check's violations as a Markdown table."""
    names = list(result["batches"][0]["violations"]) if result["batches"] else []
    lines = [
        "| story | articles | outlets | events | stories | alone | quotes | "
        + " | ".join(n.replace("_", " ") for n in names)
        + " |",
        "|---" * (7 + len(names)) + "|",
    ]
    for batch in result["batches"]:
        lines.append(
            f"| {batch['story']} | {batch['articles']} | {', '.join(batch['outlets'])} | {batch['events']} | "
            f"{batch['stories']} | {batch['alone']} ({batch['alone_share']:.0%}) | {batch['quotes']} | "
            + " | ".join(str(batch["violations"][n]) for n in names)
            + " |"
        )
    if "mixed" in result:
        mixed = result["mixed"]
        lines += [
            "",
            f"Mixed batch ({' + '.join(mixed['stories'])}, {mixed['articles']} articles): "
            f"{mixed['events']} events in {mixed['threads']} stories; {mixed['mixed_events']} events and "
            f"{mixed['mixed_stories']} stories hold both",
        ]
    for batch in result["batches"]:
        for name, found in batch["examples"].items():
            lines += ["", f"{batch['story']}, {name}:"] + [f"- {line}" for line in found]
    return "\n".join(lines) + "\n"
