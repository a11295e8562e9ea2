"""The runner: ingest into the store, then run the stages in order, reusing stored outputs.

Per-article work (the parse, embeddings) is stored under the stage's version and skipped on a
rerun; the corpus-level stages are cheap and stored as one briefing per set of articles. One
failing item becomes a Failure and the batch goes on; an unforeseen error in a corpus stage is a
StageError naming the stage and the item. Each stage logs its counts and time at INFO (`-v`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from storyline import claims as claims_stage
from storyline import cluster, dedup, entities, nlp, summarize
from storyline.clean import repeated_lines
from storyline.config import DEFAULTS
from storyline.dates import inference as dating
from storyline.dates import timex
from storyline.distributed import RayOptions
from storyline.errors import ExtractionError, StageError, StorylineError
from storyline.ingest import (
    apply_manifest,
    iter_input_files,
    missing_manifest_entries,
    read_documents,
    read_manifest,
)
from storyline.ingest.remote import WebBatch, fetch_web, is_url, read_url_list, remember
from storyline.ingest.warc import WarcFilter, is_warc, iter_warc
from storyline.ingest.web import FetchOptions
from storyline.memo import Memo, article_digest, digest, links, parse_digest, partition, settings_digest
from storyline.models import (
    Analysis,
    Article,
    Briefing,
    ClaimGroup,
    Event,
    Failure,
    InferredDate,
    Quote,
    RawDocument,
    Span,
    SummaryLine,
    TimeExpression,
    TimelineEntry,
)
from storyline.per_article import (
    TIMES_FORMAT,
    clean_article,
    quote_tags_version,
    tags_from_json,
    tags_to_json,
    times_from_json,
    times_to_json,
)
from storyline.quotes import acts as quote_acts
from storyline.quotes import extract as quotes
from storyline.quotes import groups as quote_groups
from storyline.quotes.tagger import TaggedSpan, tagger_digest
from storyline.serialize import from_dict, to_dict
from storyline.store import Store
from storyline.timeline import corpus as corpus_timeline
from storyline.timeline import entries as timeline

log = logging.getLogger(__name__)

EMBED_VERSION = "minilm-1"
BRIEFING_FORMAT = "rows-2"  # the stored form: without the articles (2), with them (1)
BRIEFING_VERSION = "+".join(
    (
        BRIEFING_FORMAT,
        nlp.ANALYSIS_VERSION,
        EMBED_VERSION,
        entities.MERGE_VERSION,
        cluster.CLUSTER_VERSION,
        quotes.QUOTES_VERSION,
        quote_groups.GROUPS_VERSION,
        timex.TIMEX_VERSION,
        dating.DATING_VERSION,
        timeline.TIMELINE_VERSION,
        corpus_timeline.TLS_VERSION,
        claims_stage.CLAIMS_VERSION,
        summarize.SUMMARY_VERSION,
    )
)
Progress = Callable[[Iterable, str, int], Iterable]
T = TypeVar("T")


def _no_progress(items: Iterable, label: str, total: int) -> Iterable:
    return items


class _Clock:
    """The time spent in each stage, logged with what the stage made."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str, item_id: str | None = None) -> Iterator[None]:
        """Time the block as part of stage `name`; an unforeseen error in it becomes a
        StageError naming the stage and the item (errors of ours already say what failed)."""
        start = time.perf_counter()
        try:
            yield
        except StorylineError:
            raise
        except Exception as e:
            on = f" on {item_id}" if item_id else ""
            raise StageError(
                f"stage {name} failed{on}: {type(e).__name__}: {e}", stage=name, item_id=item_id
            ) from e
        finally:
            self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - start

    def log(self, name: str, counts: str) -> None:
        log.info("stage %s: %s in %.2f s", name, counts, self.spent.pop(name, 0.0))


@dataclass(frozen=True, slots=True)
class IngestResult:
    article_ids: tuple[str, ...]
    added: int
    failures: tuple[Failure, ...]


def ingest(
    sources: Sequence[str | os.PathLike[str]],
    store: Store,
    *,
    manifest: str | os.PathLike[str] | None = None,
    max_bytes: int = DEFAULTS.ingest.max_bytes,
    urls_file: str | os.PathLike[str] | None = None,
    feeds: Sequence[str] = (),
    fetch_options: FetchOptions | None = None,
    warc_filter: WarcFilter | None = None,
    progress: Progress = _no_progress,
    ray: RayOptions | None = None,
) -> IngestResult:
    """Read, clean and store every article from `sources` (files, folders, WARC archives and
    http(s) URLs), the URLs listed in `urls_file`, and the new entries of `feeds`; return the
    articles' ids and the failures. With `ray`, the articles are also parsed and tagged, on a
    Ray cluster, and their parses and tags stored (`storyline.distributed.ray_runner`)."""
    failures: list[Failure] = []
    clock = _Clock()
    urls = [str(s) for s in sources if is_url(s)]
    paths = [s for s in sources if not is_url(s)]
    if urls_file is not None:
        urls += read_url_list(urls_file)
    with clock.stage("read"):
        documents, warcs = _read_files(paths, manifest, max_bytes, failures)
    clock.log("read", f"{len(documents)} documents from {len(paths)} paths, {len(failures)} failed")

    web = WebBatch()
    if urls or feeds:
        options = fetch_options or FetchOptions(max_bytes=max_bytes)
        with clock.stage("fetch"):
            web = fetch_web(urls, feeds, store, options)
        failures.extend(web.failures)
        documents.extend(web.documents)
        clock.log(
            "fetch",
            f"{len(web.documents)} pages from {len(urls)} URLs and {len(feeds)} feeds, "
            f"{len(web.unchanged_ids)} unchanged, {len(web.failures)} failed",
        )

    if ray is not None:
        return _ingest_on_ray(documents, warcs, web, store, failures, ray, max_bytes, warc_filter)
    failed_before = len(failures)
    with clock.stage("clean"):
        repeats = repeated_lines(doc.text for doc in documents if doc.text)
        stored = _store_documents(progress(documents, "clean", len(documents)), store, repeats, failures)
    clock.log(
        "clean",
        f"{len(stored.ids)} articles from {len(documents)} documents, {stored.added} new, "
        f"{len(failures) - failed_before} failed",
    )
    remember(web, store, stored.ids_by_source)
    ids = dict.fromkeys([*stored.ids, *web.unchanged_ids])
    added = stored.added
    for path in warcs:  # streamed: an archive of any size is cleaned and stored record by record
        failed_before = len(failures)
        with clock.stage("warc"):
            from_warc = _store_documents(
                _drop_failures(
                    iter_warc(path, keep=warc_filter or WarcFilter(), max_bytes=max_bytes), failures
                ),
                store,
                frozenset(),
                failures,
            )
        clock.log(
            "warc",
            f"{len(from_warc.ids)} articles from {path}, {from_warc.added} new, "
            f"{len(failures) - failed_before} failed",
        )
        ids.update(dict.fromkeys(from_warc.ids))
        added += from_warc.added
    return IngestResult(article_ids=tuple(ids), added=added, failures=tuple(failures))


def _ingest_on_ray(
    documents: list[RawDocument],
    warcs: Sequence[Path],
    web: WebBatch,
    store: Store,
    failures: list[Failure],
    options: RayOptions,
    max_bytes: int,
    warc_filter: WarcFilter | None,
) -> IngestResult:
    """`ingest` with the per-article stages on Ray: the same articles, ids and order as the
    single-process path (WARC records are cleaned without the batch's repeated lines, as there),
    with their parses and quote tags stored too."""
    from storyline.distributed import ray_runner  # the optional extra, only when asked for

    clock = _Clock()
    repeats = repeated_lines(doc.text for doc in documents if doc.text)
    with_repeats = [True] * len(documents)
    for path in warcs:  # read on the driver; a cluster run holds its inputs in memory anyway
        before = len(documents)
        documents.extend(
            _drop_failures(iter_warc(path, keep=warc_filter or WarcFilter(), max_bytes=max_bytes), failures)
        )
        with_repeats.extend([False] * (len(documents) - before))
    if not documents:  # nothing to map: no cluster needed
        remember(web, store, {})
        return IngestResult(article_ids=tuple(web.unchanged_ids), added=0, failures=tuple(failures))
    with clock.stage("ray"):
        folder = ray_runner.process_on_ray(documents, with_repeats, repeats, options)
    clock.log("ray", f"{len(documents)} documents cleaned, parsed and tagged into {folder}")
    before = store.count_articles()
    with clock.stage("load"):
        outcomes = ray_runner.load_results(folder, store)
    added = store.count_articles() - before
    failures.extend(o.failure for o in outcomes if o.failure is not None)
    kept = [o for o in outcomes if o.article_id is not None]
    clock.log("load", f"{len(kept)} articles, their parses and quote tags stored, {added} new")
    first = [o for o in kept if with_repeats[o.index]]
    remember(web, store, {o.source: o.article_id for o in first if o.article_id})
    ids = dict.fromkeys(
        [
            *(o.article_id for o in first if o.article_id),
            *web.unchanged_ids,
            *(o.article_id for o in kept if not with_repeats[o.index] and o.article_id),
        ]
    )
    return IngestResult(article_ids=tuple(ids), added=added, failures=tuple(failures))


def _read_files(
    paths: Sequence[str | os.PathLike[str]],
    manifest: str | os.PathLike[str] | None,
    max_bytes: int,
    failures: list[Failure],
) -> tuple[list[RawDocument], list[Path]]:
    """The documents of the files under `paths` (manifest applied), and the WARC archives found."""
    manifest_entries: dict[str, dict] = {}
    if manifest is not None:
        manifest_entries, manifest_failures = read_manifest(Path(manifest))
        failures.extend(manifest_failures)
    documents: list[RawDocument] = []
    warcs: list[Path] = []
    seen_names: set[str] = set()
    for item in iter_input_files(paths):
        if isinstance(item, Failure):
            failures.append(item)
            continue
        if is_warc(item):
            warcs.append(item)
            continue
        seen_names.add(item.name)
        for doc in read_documents(item, max_bytes=max_bytes):
            if isinstance(doc, Failure):
                failures.append(doc)
            else:
                documents.append(apply_manifest(doc, manifest_entries))
    if manifest is not None:
        failures.extend(missing_manifest_entries(manifest_entries, seen_names, Path(manifest)))
    return documents, warcs


def _drop_failures(items: Iterable[RawDocument | Failure], failures: list[Failure]) -> Iterator[RawDocument]:
    for item in items:
        if isinstance(item, Failure):
            failures.append(item)
        else:
            yield item


@dataclass(slots=True)
class _Stored:
    ids: dict[str, None]  # ordered and without repeats
    ids_by_source: dict[str, str]
    added: int = 0


def _store_documents(
    documents: Iterable[RawDocument], store: Store, repeats: frozenset[str], failures: list[Failure]
) -> _Stored:
    """Clean each document and store its article; a document that fails becomes a Failure."""
    stored = _Stored(ids={}, ids_by_source={})
    for doc in documents:
        try:
            article = clean_article(doc, repeats)
        except (ExtractionError, StageError) as e:
            failures.append(Failure(source=doc.source, stage="clean", message=str(e)))
            continue
        stored.added += store.add_article(article)
        stored.ids_by_source[doc.source] = article.id
        stored.ids.setdefault(article.id)
    return stored


def _per_article(
    store: Store,
    stage: str,
    version: str,
    articles: Sequence[Article],
    compute: Callable[[Sequence[Article]], Iterable[tuple[str, T] | Failure]],
    *,
    to_json: Callable[[T], Any],
    from_json: Callable[[str, Any], T],
    counted: str,
    failures: list[Failure] | None = None,
) -> dict[str, T]:
    """Each article's result of `stage` made under `version`: from the store when made before,
    else from `compute` over the rest, each new result stored as soon as it is made (a killed
    run keeps what it finished); `from_json(article_id, stored)` reads a stored one back.
    `compute` yields (article id, result) pairs, or a Failure for an article it could not do,
    appended to `failures` and left out of the result. Returns the results by article id and
    logs the line `stage COUNTED, M from the store in S s` that bench/bench_incremental.py
    reads, `counted` ("analyze: %d articles parsed") filled with how many articles were given
    to `compute`."""
    started = time.perf_counter()
    stored = store.get_outputs(stage, (a.id for a in articles), version)
    results = {key: from_json(key, value) for key, value in stored.items()}
    todo = [a for a in articles if a.id not in results]
    for item in compute(todo) if todo else ():
        if isinstance(item, Failure):
            if failures is not None:
                failures.append(item)
            continue
        article_id, result = item
        store.put_output(stage, article_id, version, to_json(result))
        results[article_id] = result
    log.info(
        "stage %s, %d from the store in %.2f s",
        counted % len(todo),
        len(articles) - len(todo),
        time.perf_counter() - started,
    )
    return results


def analyze_articles(
    store: Store,
    articles: Sequence[Article],
    *,
    progress: Progress = _no_progress,
    failures: list[Failure] | None = None,
) -> dict[str, Analysis]:
    """The parse of each article, from the store when already done; each new parse is stored
    as soon as it is made, so a killed run keeps what it finished. An article that cannot be
    parsed is left out of the result, and its Failure appended to `failures`."""

    def parse(todo: Sequence[Article]) -> Iterator[tuple[str, Analysis] | Failure]:
        processes = DEFAULTS.models.parse_processes if len(todo) >= DEFAULTS.models.parallel_parse_from else 1
        if processes == 1:  # new sentences to embed; workers must not fork mid-import
            nlp.preload_embedding_model()
        for result in progress(nlp.analyze_stream(todo, processes=processes), "parse", len(todo)):
            yield result if isinstance(result, Failure) else (result.article_id, result)

    analyses = _per_article(
        store,
        "analysis",
        nlp.ANALYSIS_VERSION,
        articles,
        parse,  # not called when every parse is stored: spaCy is not loaded
        to_json=nlp.analysis_to_json,
        from_json=lambda _, stored: nlp.analysis_from_json(stored),
        counted="analyze: %d articles parsed",
        failures=failures,
    )
    return analyses


def tag_articles(
    store: Store,
    articles: Sequence[Article],
    analyses: dict[str, Analysis],
    *,
    progress: Progress = _no_progress,
) -> dict[str, list[TaggedSpan]]:
    """The quote tagger's spans of each article, from the store when already made; each new
    article's spans are stored as soon as they are made. They depend on the article alone, so
    briefing a set with one article more or less tags only the new one."""
    wanted = [a for a in articles if a.id in analyses]

    def tag(todo: Sequence[Article]) -> Iterator[tuple[str, list[TaggedSpan]]]:
        clock = _Clock()
        for article in progress(todo, "tag quotes", len(todo)):
            with clock.stage("quotes", article.id):  # a bug names the article, as in corpus_stages
                found = quotes.tag_article(article, analyses[article.id])
            yield article.id, found

    tags = _per_article(
        store,
        "quote_tags",
        quote_tags_version(),
        wanted,
        tag,
        to_json=tags_to_json,
        from_json=lambda _, stored: tags_from_json(stored),
        counted="tag quotes: %d articles tagged",
    )
    return tags


def date_articles(
    store: Store, articles: Sequence[Article], analyses: Mapping[str, Analysis]
) -> dict[str, list[TimeExpression]]:
    """The time expressions of each dated article (`timex.find_dates`), from the store when
    already found. They depend on the article and its parse alone (its publication date is the
    reference); an undated article's dates depend on the interval inferred from the whole
    batch, so they are left to `corpus_stages`."""
    wanted = [a for a in articles if a.published and a.id in analyses]

    def find(todo: Sequence[Article]) -> Iterator[tuple[str, list[TimeExpression]]]:
        clock = _Clock()
        for article in todo:
            with clock.stage("dates", article.id):
                analysis = analyses[article.id]
                yield article.id, timex.find_dates(article, analysis.sentences, tokens=analysis.tokens)

    dates = _per_article(
        store,
        "time_expressions",
        f"{TIMES_FORMAT}+{nlp.ANALYSIS_VERSION}+{timex.TIMEX_VERSION}",
        wanted,
        find,
        to_json=times_to_json,
        from_json=times_from_json,
        counted="find dates: %d dated articles read",
    )
    return dates


def embed_texts(store: Store, texts: Sequence[str]) -> np.ndarray:
    """Embeddings of `texts`, one row each, from the store when the same text was embedded
    before (keyed by a hash of the text)."""
    keys = [hashlib.sha1(text.encode("utf-8")).hexdigest()[:24] for text in texts]
    stored = store.get_outputs("sentence_vector", keys, EMBED_VERSION)
    missing = list(dict.fromkeys(k for k in keys if k not in stored))
    if missing:
        text_of = dict(zip(keys, texts, strict=True))
        vectors = nlp.embed([text_of[k] for k in missing])
        fresh = {k: nlp.vectors_to_json(v[None, :]) for k, v in zip(missing, vectors, strict=True)}
        store.put_outputs("sentence_vector", EMBED_VERSION, fresh)
        stored.update(fresh)
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.vstack([nlp.vectors_from_json(stored[k]) for k in keys])


def build_briefing(
    store: Store,
    article_ids: Sequence[str],
    *,
    failures: Sequence[Failure] = (),
    progress: Progress = _no_progress,
    run_id: str | None = None,
) -> Briefing:
    """Run every stage over the given articles and return the briefing (cached by article set);
    the articles that cannot be parsed are left out, their failures stored under `run_id`."""
    articles = store.articles(article_ids)
    key = hashlib.sha1(",".join(sorted(a.id for a in articles)).encode()).hexdigest()
    version = f"{BRIEFING_VERSION}+tagger-{tagger_digest()}"  # a retrained tagger: new quotes
    reused = _stored_briefing(store, key, version)
    if reused is not None:
        log.info("stage briefing: the stored briefing of %d articles reused", len(reused.articles))
        return replace(reused, failures=(*failures, *reused.failures))
    parse_failures: list[Failure] = []
    analyses = analyze_articles(store, articles, progress=progress, failures=parse_failures)
    if parse_failures:  # the articles that could not be parsed are left out, not the run
        store.add_failures(run_id or uuid.uuid4().hex, parse_failures)
        articles = [a for a in articles if a.id in analyses]
    tags = tag_articles(store, articles, analyses, progress=progress)
    times = date_articles(store, articles, analyses)
    memo = Memo(store)
    briefing = corpus_stages(
        articles, analyses, lambda texts: embed_texts(store, texts), tags=tags, times=times, memo=memo
    )
    briefing = replace(briefing, failures=tuple(parse_failures))
    if pruned := memo.prune():
        log.info("stage store: %d corpus-stage pieces no recent briefing used deleted", pruned)
    started = time.perf_counter()
    payload = to_dict(replace(briefing, articles=()))  # the articles table holds the articles
    store.put_briefing(key, version, [a.id for a in articles], payload)
    seconds = time.perf_counter() - started
    log.info("stage store: the briefing of %d articles stored in %.2f s", len(articles), seconds)
    return replace(briefing, failures=(*failures, *parse_failures))


def _stored_briefing(store: Store, key: str, version: str) -> Briefing | None:
    """The stored briefing of `key`, its articles read back from the articles table; None
    when there is none under `version` (or one of its articles is no longer stored)."""
    stored = store.get_briefing(key, version)
    if stored is None:
        return None
    article_ids, payload = stored
    articles = store.articles(article_ids)
    if len(articles) != len(article_ids):
        return None
    return replace(from_dict(Briefing, payload), articles=tuple(articles))


def corpus_stages(
    articles: Sequence[Article],
    analyses: dict[str, Analysis],
    embed: Callable[[Sequence[str]], np.ndarray],
    *,
    tags: Mapping[str, Sequence[TaggedSpan]] | None = None,
    times: Mapping[str, Sequence[TimeExpression]] | None = None,
    memo: Memo | None = None,
) -> Briefing:
    """The stages that need the whole batch, in order; `embed` turns sentences into vectors;
    `tags` are the quote tagger's spans of the articles already tagged (`tag_articles`), and
    `times` the time expressions of the dated articles already read (`date_articles`). With a
    `memo`, each article's quotes, each undated article's dates, each event's summary,
    claims and timeline, and the links between the claims of each pair of events of a story
    are read back when their whole input is as before (`storyline.memo`); without one
    everything is made, with the same result."""
    tags = tags or {}
    clock = _Clock()
    by_id = {a.id: a for a in articles}
    with clock.stage("entities"):
        entity_list, linked = entities.merge_entities([analyses[a.id] for a in articles])
    clock.log("entities", f"{len(entity_list)} entities from {len(articles)} articles")
    analyses = {a.article_id: a for a in linked}
    names = {e.id: e.name for e in entity_list}
    kinds = {e.id: e.type for e in entity_list}
    inputs = None
    if memo is not None:
        with clock.stage("memo"):
            inputs = _ArticleInputs.of(articles, analyses)
    with clock.stage("dedup"):
        duplicates = dedup.find_duplicates(articles)
        copy_of = {d.article_id: d.duplicate_of for d in duplicates}
        repeated = [span for a in articles for span in dedup.repeated_sentences(a, analyses[a.id])]
    clock.log("dedup", f"{len(duplicates)} duplicate articles, {len(repeated)} repeated sentences")
    # Undated articles get an inferred interval; their relative dates resolve only where
    # every day of it gives the same value.
    with clock.stage("dates"):
        inferred = dating.infer_dates(articles)
    known, dates = times or {}, {}
    # An undated article's dates depend on it, its parse and its inferred interval alone.
    date_keys = (
        {
            a.id: digest(DATES_PIECE, inputs.article[a.id], inputs.parse[a.id], inferred.get(a.id))
            for a in articles
            if not a.published
        }
        if memo is not None and inputs is not None
        else {}
    )
    recalled = memo.recall("dates", date_keys) if memo is not None else {}
    for a in articles:
        with clock.stage("dates", a.id):
            dates[a.id] = (
                list(known[a.id])
                if a.published and a.id in known
                else timex.find_dates(a, analyses[a.id].sentences, tokens=analyses[a.id].tokens)
                if a.published
                else times_from_json(a.id, recalled[a.id])
                if a.id in recalled
                else dating.resolve_dates(
                    a, analyses[a.id].sentences, inferred.get(a.id), analyses[a.id].tokens
                )
            )
    if memo is not None:
        memo.keep("dates", date_keys, {i: times_to_json(dates[i]) for i in date_keys if i not in recalled})
    clock.log(
        "dates",
        f"{sum(map(len, dates.values()))} dates in {len(articles)} articles, {len(inferred)} undated "
        "articles given an interval" + (f"; undated articles: {memo.counts('dates')}" if memo else ""),
    )
    with clock.stage("events"):
        article_vectors = _article_vectors(articles, analyses, embed)
        events = cluster.cluster_events(
            articles, article_vectors, analyses, dates, duplicates, inferred=inferred
        )
    clock.log("events", f"{len(events)} events from {len(articles)} articles")
    with clock.stage("stories"):
        stories = cluster.thread_stories(events, {a.id: a.text for a in articles}, analyses)
    clock.log("stories", f"{len(stories)} stories of {len(events)} events")
    quote_keys = (
        {a.id: _quotes_key(a, inputs, names, kinds, tags.get(a.id)) for a in articles}
        if memo is not None and inputs is not None
        else {}
    )
    recalled = memo.recall("quotes", quote_keys) if memo is not None else {}
    shown_of: dict[str, list[Quote]] = {}
    for a in articles:  # as quotes.extract_all_quotes, an article at a time
        if a.id in recalled:
            shown_of[a.id] = [from_dict(Quote, q) for q in recalled[a.id]]
            continue
        with clock.stage("quotes", a.id):
            found = quotes.extract_quotes(a, analyses[a.id], names, entity_types=kinds, tags=tags.get(a.id))
            # Beliefs, intentions, actions and declined speech are attributions, not what was
            # said; which are shown is read from the article's own parse (`statements_only`).
            shown_of[a.id] = quote_acts.shown_quotes(found, by_id, analyses)
    all_quotes = [q for a in articles for q in shown_of[a.id]]
    if memo is not None:
        memo.keep(
            "quotes",
            quote_keys,
            {i: [to_dict(q) for q in shown_of[i]] for i in quote_keys if i not in recalled},
        )
    clock.log(
        "quotes",
        f"{len(all_quotes)} quotes from {len(articles)} articles"
        + (f"; articles: {memo.counts('quotes')}" if memo else ""),
    )
    with clock.stage("groups"):
        all_quotes = quote_groups.group_quotes(all_quotes)
    grouped = [q for q in all_quotes if q.group_id]
    quotes_of: dict[str, list[int]] = {}  # each article's quotes, by place in all_quotes
    for position, quote in enumerate(all_quotes):
        quotes_of.setdefault(quote.article_id, []).append(position)
    clock.log("groups", f"{len(grouped)} quotes in {len({q.group_id for q in grouped})} groups")
    skip = frozenset((s.article_id, s.start) for s in repeated)
    final_events: list[Event] = []
    claim_groups: list[ClaimGroup] = []
    entries: list[TimelineEntry] = []
    with clock.stage("claims"):
        candidates = {
            e.id: claims_stage.candidate_sentences(e, by_id, analyses, copy_of, skip) for e in events
        }
    event_of = {e.id: e for e in events}
    # The pairs of events whose claims align across their story (`claims_stage.near_pairs`).
    pair_of = {
        f"{first.id}+{second.id}": (first, second)
        for story in stories
        if len(story.event_ids) > 1
        for first, second in claims_stage.near_pairs([event_of[i] for i in story.event_ids])
    }
    event_keys: dict[str, str] = {}
    pair_keys: dict[str, str] = {}
    recalled, recalled_pairs = {}, {}
    if memo is not None and inputs is not None:
        with clock.stage("memo"):
            event_keys = {
                e.id: _event_key(
                    e,
                    candidates[e.id],
                    inputs,
                    dates,
                    inferred,
                    [all_quotes[p] for p in _member_quotes(e, quotes_of)],
                )
                for e in events
            }
            pair_keys = {
                pair: _pair_key(first, second, event_keys, inputs)
                for pair, (first, second) in pair_of.items()
            }
            recalled = memo.recall("event", event_keys)
            recalled_pairs = memo.recall("pair", pair_keys)
    open_pairs = {pair: ends for pair, ends in pair_of.items() if pair not in recalled_pairs}
    with clock.stage("claims"):
        # A sentence with no neighbour in its event but one in the other event of a pair is
        # embedded too, for the pair's links; within its event it stays a loner, so the
        # event's own summary and claims are as they were.
        in_pair = {
            pair: claims_stage.needs_vector([*candidates[first.id], *candidates[second.id]])
            for pair, (first, second) in open_pairs.items()
        }
        wanted_by_pairs: dict[str, list[list[bool]]] = {}
        for pair, (first, second) in open_pairs.items():
            size = len(candidates[first.id])
            wanted_by_pairs.setdefault(first.id, []).append(in_pair[pair][:size])
            wanted_by_pairs.setdefault(second.id, []).append(in_pair[pair][size:])
    own_flags: dict[str, list[bool]] = {}
    vectors_of: dict[str, list[np.ndarray | None]] = {}
    own_of: dict[str, tuple[list[claims_stage.Statement], list[claims_stage.Candidate]]] = {}
    for event in events:
        if event.id in recalled and event.id not in wanted_by_pairs:
            continue  # neither its own claims nor a pair's links are made: no vectors needed
        with clock.stage("claims", event.id):
            own = claims_stage.needs_vector(candidates[event.id])
            wanted = [any(flags) for flags in zip(own, *wanted_by_pairs.get(event.id, []), strict=True)]
            chosen = [c for c, w in zip(candidates[event.id], wanted, strict=True) if w]
            rows = iter(embed([c.text for c in chosen]))
            vectors = [next(rows) if w else None for w in wanted]
            own_flags[event.id], vectors_of[event.id] = own, vectors
            if event.id in recalled:
                continue
            statements = claims_stage.statements_of(
                candidates[event.id], [v if w else None for v, w in zip(vectors, own, strict=True)]
            )
            loners = [c for c, w in zip(candidates[event.id], own, strict=True) if not w]
            own_of[event.id] = (statements, loners)
    fresh: dict[str, Any] = {}
    places: dict[str, list[int]] = {}  # each event's claims, by place in claim_groups
    for event in events:
        made_claims = len(claim_groups)
        if event.id in recalled:
            piece = recalled[event.id]
            event = replace(event, summary=tuple(from_dict(SummaryLine, line) for line in piece["summary"]))
            claim_groups.extend(from_dict(ClaimGroup, c) for c in piece["claims"])
            entries.extend(from_dict(TimelineEntry, t) for t in piece["timeline"])
            final_events.append(event)
            places[event.id] = list(range(made_claims, len(claim_groups)))
            continue
        statements, loners = own_of[event.id]
        made_entries = len(entries)
        with clock.stage("summary", event.id):
            event = replace(event, summary=tuple(summarize.summarize_event(statements, analyses=analyses)))
        with clock.stage("claims", event.id):
            members = set(event.article_ids)
            claim_groups.extend(
                claims_stage.align_claims(
                    event,
                    statements,
                    analyses,
                    loners,
                    quotes=[all_quotes[p] for p in _member_quotes(event, quotes_of)],
                    dates=dates,
                    published={i: by_id[i].published for i in members},
                )
            )
        with clock.stage("timeline", event.id):
            entries.extend(timeline.build_timeline(event, by_id, analyses, dates, inferred))
        final_events.append(event)
        places[event.id] = list(range(made_claims, len(claim_groups)))
        if event.id in event_keys:
            fresh[event.id] = {
                "summary": [to_dict(line) for line in event.summary],
                "claims": [to_dict(c) for c in claim_groups[made_claims:]],
                "timeline": [to_dict(t) for t in entries[made_entries:]],
            }
    if memo is not None:
        memo.keep("event", event_keys, fresh)
    with clock.stage("claims"):
        made_pairs = {
            pair: _pair_links(
                first,
                second,
                claim_groups,
                places,
                {i: (candidates[i], vectors_of[i], own_flags[i]) for i in (first.id, second.id)},
                in_pair[pair],
                analyses,
                {i: by_id[i].published for e in (first, second) for i in e.article_ids},
            )
            for pair, (first, second) in open_pairs.items()
        }
        links = {
            **{pair: [_link_from_json(link) for link in found] for pair, found in recalled_pairs.items()},
            **made_pairs,
        }
        paired = {e.id for events_of_pair in pair_of.values() for e in events_of_pair}
        claim_groups = claims_stage.apply_links(
            claim_groups,
            [(places[first.id], places[second.id], links[pair]) for pair, (first, second) in pair_of.items()],
            {c.span: c for i in paired for c in candidates[i]},
            {e.id: e.date or "undated" for e in final_events},
        )
    if memo is not None:
        memo.keep(
            "pair",
            pair_keys,
            {pair: [_link_to_json(link) for link in found] for pair, found in made_pairs.items()},
        )
    made = f"; events: {memo.counts('event')}" if memo else ""
    across = f"; event pairs: {memo.counts('pair')}" if memo else ""
    clock.log("summary", f"{sum(len(e.summary) for e in final_events)} lines for {len(events)} events{made}")
    clock.log("claims", f"{len(claim_groups)} claim groups for {len(events)} events{made}{across}")
    clock.log("timeline", f"{len(entries)} entries for {len(events)} events{made}")
    if memo is not None:
        clock.log(
            "memo",
            f"the keys of {len(articles)} articles, {len(events)} events and {len(pair_of)} event pairs",
        )
    with clock.stage("corpus timeline"):
        day_keys = (
            {
                a.id: digest(
                    _versions(DAYS_PIECE, corpus_timeline.TLS_VERSION, timex.TIMEX_VERSION),
                    inputs.article[a.id],
                )
                for a in articles
            }
            if memo is not None and inputs is not None
            else {}
        )
        day_dates = {
            i: times_from_json(i, rows) for i, rows in (memo.recall("days", day_keys) if memo else {}).items()
        }
        made_days = {
            a.id: corpus_timeline.article_day_dates(a)
            for a in articles
            if a.id in day_keys and a.id not in day_dates
        }
        if memo is not None:
            memo.keep("days", day_keys, {i: times_to_json(found) for i, found in made_days.items()})
        corpus_entries = corpus_timeline.story_timeline(
            articles, final_events, day_dates={**day_dates, **made_days}
        )
    clock.log(
        "corpus timeline",
        f"{len(corpus_entries)} days" + (f"; articles' dates: {memo.counts('days')}" if memo else ""),
    )
    return Briefing(
        articles=tuple(articles),
        entities=tuple(entity_list),
        duplicates=tuple(duplicates),
        events=tuple(final_events),
        stories=tuple(stories),
        quotes=tuple(all_quotes),
        timeline=tuple(entries),
        corpus_timeline=tuple(corpus_entries),
        claims=tuple(claim_groups),
        repeated=tuple(repeated),
        inferred_dates=tuple(inferred[a.id] for a in articles if a.id in inferred),
    )


DATES_PIECE = "dates-1"  # the memo's form of one undated article's dates, and the stages it runs
QUOTES_PIECE = "quotes-1"  # one article's shown quotes
EVENT_PIECE = "event-3"  # one event's summary, claims and timeline
PAIR_PIECE = "pair-1"  # the links between the claims of two events of a story
DAYS_PIECE = "days-1"  # one article's day dates for the corpus timeline


@dataclass(frozen=True, slots=True)
class _ArticleInputs:
    """Digests of each article and of its parse, and its mentions' entity ids: the parts of
    a memo key that every piece of an article shares, made once per batch."""

    article: dict[str, str]
    parse: dict[str, str]
    links: dict[str, list[str | None]]

    @classmethod
    def of(cls, articles: Sequence[Article], analyses: Mapping[str, Analysis]) -> _ArticleInputs:
        return cls(
            article={a.id: article_digest(a) for a in articles},
            parse={a.id: parse_digest(analyses[a.id]) for a in articles},
            links={a.id: links(analyses[a.id]) for a in articles},
        )


def _versions(*names: str) -> list[str]:
    """The versions a piece's result depends on, with the settings the stages read."""
    return [*names, nlp.ANALYSIS_VERSION, settings_digest()]


def _quotes_key(
    article: Article,
    inputs: _ArticleInputs,
    names: Mapping[str, str],
    kinds: Mapping[str, str],
    tags: Sequence[TaggedSpan] | None,
) -> str:
    """One article's shown quotes read the article, its parse, the entities its mentions link
    to (their names and types: the speakers' names and types) and the tagger's spans (or the
    tagger itself, when they are not given)."""
    linked = sorted({i for i in inputs.links[article.id] if i is not None})
    return digest(
        _versions(QUOTES_PIECE, quotes.QUOTES_VERSION, f"tagger-{tagger_digest()}"),
        inputs.article[article.id],
        inputs.parse[article.id],
        inputs.links[article.id],
        [[i, names.get(i), kinds.get(i)] for i in linked],
        tags_to_json(tags) if tags is not None else None,
    )


def _event_key(
    event: Event,
    candidates: Sequence[claims_stage.Candidate],
    inputs: _ArticleInputs,
    dates: Mapping[str, Sequence[TimeExpression]],
    inferred: Mapping[str, InferredDate],
    member_quotes: Sequence[Quote],
) -> str:
    """One event's summary, claims and timeline read the event (before its summary), its
    candidate sentences, and its member articles: each article, its parse, its dates and its
    inferred interval, and their quotes. Which candidates are embedded
    (`claims_stage.needs_vector`) is a function of the candidates under CLAIMS_VERSION, and
    each vector one of its text under EMBED_VERSION (the store's `sentence_vector` rows), so
    the key names the statements without making them.

    Entity ids (of the mentions and of the quotes' speakers) and quote group ids are only
    compared within the event (one speaker's mentions, one utterance's reports), never shown,
    so the key holds which are one (`memo.partition`), not the ids: an article added elsewhere
    that renames an entity ("Jermaine" becomes "Jermaine Jackson") or joins a quote group
    changes the ids, not what this event makes of them."""
    members = event.article_ids
    return digest(
        _versions(
            EVENT_PIECE,
            summarize.SUMMARY_VERSION,
            claims_stage.CLAIMS_VERSION,
            timeline.TIMELINE_VERSION,
            EMBED_VERSION,
        ),
        event,
        list(candidates),
        [[inputs.article[i], inputs.parse[i], list(dates.get(i, ())), inferred.get(i)] for i in members],
        [replace(q, speaker_entity_id=None, group_id=None) for q in member_quotes],
        partition(
            [*(x for i in members for x in inputs.links[i]), *(q.speaker_entity_id for q in member_quotes)]
        ),
        partition([q.group_id for q in member_quotes]),
    )


def _pair_key(first: Event, second: Event, event_keys: Mapping[str, str], inputs: _ArticleInputs) -> str:
    """The links between the claims of two events of a story (`claims_stage.align_pair`) read
    what each event's claims and statements are made of (its key: its date, candidates,
    parses and articles among them) and which mentions of the two events' articles name one
    entity (two events' sentences name one thing): nothing of the story's other events."""
    return digest(
        _versions(PAIR_PIECE, claims_stage.CLAIMS_VERSION, EMBED_VERSION),
        event_keys[first.id],
        event_keys[second.id],
        partition([x for e in (first, second) for i in e.article_ids for x in inputs.links[i]]),
    )


def _pair_links(
    first: Event,
    second: Event,
    claims: Sequence[ClaimGroup],
    places: Mapping[str, Sequence[int]],
    embedded: Mapping[
        str, tuple[Sequence[claims_stage.Candidate], Sequence[np.ndarray | None], Sequence[bool]]
    ],
    in_pair: Sequence[bool],
    analyses: Mapping[str, Analysis],
    published: Mapping[str, date | None],
) -> list[claims_stage.Link]:
    """`claims_stage.align_pair` of two events of a story: their claims (by `places` in
    `claims`), and the statements of each (`embedded`: its candidates, their vectors and
    which are embedded for the event itself) that the event itself or the pair embeds
    (`in_pair`: the flags of the first's candidates, then the second's)."""
    size = len(embedded[first.id][0])
    statements = {
        **_pair_statements(*embedded[first.id], in_pair[:size]),
        **_pair_statements(*embedded[second.id], in_pair[size:]),
    }
    return claims_stage.align_pair(
        [claims[k] for k in places[first.id]],
        [claims[k] for k in places[second.id]],
        statements,
        analyses,
        published,
    )


def _pair_statements(
    candidates: Sequence[claims_stage.Candidate],
    vectors: Sequence[np.ndarray | None],
    own: Sequence[bool],
    in_pair: Sequence[bool],
) -> dict[Span, claims_stage.Statement]:
    """An event's statements in one pair of its story: the candidates embedded for the event
    itself or for the pair (a lexical neighbour in the pair's other event), not those
    embedded for another pair, so that a pair's links read only its two events."""
    kept = [v if o or p else None for v, o, p in zip(vectors, own, in_pair, strict=True)]
    return {s.span: s for s in claims_stage.statements_of(candidates, kept)}


def _link_to_json(link: claims_stage.Link) -> list:
    return [*link.first, *link.second, link.note]


def _link_from_json(row: list) -> claims_stage.Link:
    return claims_stage.Link(first=(row[0], row[1]), second=(row[2], row[3]), note=row[4])


def _member_quotes(event: Event, quotes_of: Mapping[str, Sequence[int]]) -> list[int]:
    """The places in the batch's quotes of the quotes of the event's articles, in order."""
    return sorted(p for i in set(event.article_ids) for p in quotes_of.get(i, ()))


def _article_vectors(
    articles: Sequence[Article], analyses: dict[str, Analysis], embed: Callable[[Sequence[str]], np.ndarray]
) -> dict[str, np.ndarray]:
    """Each article as the mean embedding of its lead sentences, in one embedding call."""
    texts, owners = [], []
    for article in articles:
        for sent in analyses[article.id].sentences[: DEFAULTS.events.vector_sentences]:
            texts.append(article.text[sent.start : sent.end].strip())
            owners.append(article.id)
    rows = embed(texts)
    rows_of: dict[str, list[int]] = {a.id: [] for a in articles}
    for i, owner in enumerate(owners):
        rows_of[owner].append(i)
    vectors = {}
    for article in articles:
        mine = rows[rows_of[article.id]]
        mean = mine.mean(axis=0) if len(mine) else np.zeros(384, dtype=np.float32)
        vectors[article.id] = mean / (np.linalg.norm(mean) or 1.0)
    return vectors


def brief(
    sources: Sequence[str | os.PathLike[str]],
    *,
    db: str | os.PathLike[str] = ":memory:",
    progress: Progress = _no_progress,
    **ingest_options,
) -> Briefing:
    """Ingest `sources` into the store at `db` and brief exactly those articles.

    `ingest_options` are the keyword arguments of `ingest` (manifest, max_bytes, urls_file,
    feeds, fetch_options, warc_filter)."""
    with Store(db) as store:
        result = ingest(sources, store, progress=progress, **ingest_options)
        run_id = uuid.uuid4().hex
        store.add_failures(run_id, result.failures)
        if not result.article_ids:
            return Briefing(articles=(), failures=result.failures)
        return build_briefing(
            store, result.article_ids, failures=result.failures, progress=progress, run_id=run_id
        )
