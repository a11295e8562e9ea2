"""The per-article stages on a Ray cluster: clean, parse and quote tags, mapped over the
documents with Ray Data, written as Parquet, then loaded into the store.

The driver reads the inputs (and finds the lines repeated across the batch, which cleaning
needs); `map_batches` runs `_ArticleWorker`, an actor that loads spaCy and the quote tagger once
per worker, over batches of documents; `write_parquet` writes one row per document (its article,
parse, tagger spans or failure, as JSON) to a folder; `load_results` puts them into the store in
input order, under the same stage versions as a single-process run, so `brief`, `events`,
`timeline` and `serve` find the work done. Ray is the optional `[ray]` extra, imported only here
and only when a run asks for it.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline import nlp, per_article
from storyline.distributed import RayOptions
from storyline.errors import ConfigError, ExtractionError, MissingDependency, StageError
from storyline.models import Article, Failure, RawDocument
from storyline.quotes import extract as quotes
from storyline.quotes.tagger import load_tagger
from storyline.serialize import from_dict, to_dict
from storyline.store import Store

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'storyline[ray]'"
_COLUMNS = ("source", "article_id", "article", "analysis", "tags", "failure")
_STORE_CHUNK = 500  # rows per transaction when loading the Parquet folder
_BLOCKS_PER_WORKER = 4  # see `_batching`


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one document gave: its article's id, or the failure that stopped it (a parse
    failure keeps the article, as in a single-process run)."""

    index: int
    source: str
    article_id: str | None
    failure: Failure | None


def import_ray() -> Any:
    """The `ray` module, or MissingDependency saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401  # the [data] part of the extra
    except ImportError as e:
        raise MissingDependency(f"--ray needs Ray Data, which is not installed: {INSTALL_HINT}") from e
    return ray


def _check_reachable(address: str) -> None:
    """A HOST:PORT that nothing answers on is a one-line error now, not a long wait in Ray."""
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"--ray {address!r} is no cluster address; give auto, HOST:PORT or ray://HOST:PORT")
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as e:
        raise ConfigError(
            f"no Ray cluster answers at {address} ({e.strerror or e}); start one with "
            f"`ray start --head --port {port}` or pass its address"
        ) from e


def process_on_ray(
    documents: Sequence[RawDocument],
    with_repeats: Sequence[bool],
    repeats: frozenset[str],
    options: RayOptions,
) -> Path:
    """Clean, parse and tag each document on the cluster at `options.address` (a document
    marked in `with_repeats` is cleaned with the batch's repeated lines) and write one row per
    document as Parquet under `options.output`; return that folder."""
    ray = import_ray()
    _check_reachable(options.address)
    output = Path(options.output)
    if output.exists() and any(output.iterdir()):
        raise ConfigError(f"{output}: the Parquet folder is not empty; pass a new --parquet folder")
    try:
        ray.init(address=options.address, logging_level=logging.WARNING, log_to_driver=False)
    except ConnectionError as e:
        raise ConfigError(f"cannot connect to the Ray cluster at {options.address}: {e}") from e
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = options.progress
        workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
        rows = [
            {"index": i, "document": json.dumps(to_dict(doc), ensure_ascii=False), "with_repeats": flag}
            for i, (doc, flag) in enumerate(zip(documents, with_repeats, strict=True))
        ]
        rows.sort(key=lambda row: len(str(row["document"])), reverse=True)
        blocks, batch_size = _batching(len(rows), workers, options.batch_size)
        dataset = ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
            _ArticleWorker,
            fn_constructor_kwargs={"repeats": repeats},
            batch_size=batch_size,
            batch_format="pyarrow",
            concurrency=min(workers, blocks),  # no actor loads models for nothing
            num_cpus=1,
        )
        # Writing is I/O: its tasks take no CPU, which the workers hold.
        dataset.write_parquet(str(output), ray_remote_args={"num_cpus": 0})
    finally:
        ray.shutdown()
    return output


def _batching(documents: int, workers: int, batch_size: int) -> tuple[int, int]:
    """How many blocks to cut the documents into, and how many documents a batch holds.

    Article lengths are skewed (one Timeline17 article is 80,000 characters, the median about
    3,000) and a worker takes the next block when it is done with one. With the documents
    ordered longest first (as `process_on_ray` orders them), at least `_BLOCKS_PER_WORKER`
    blocks per worker let the short ones at the end even out the workers' loads, where a few
    large blocks left one worker parsing the last long block while the other sat idle (120
    bpoil_bbc articles on 2 nodes: 1.08x one node). Batches never exceed `batch_size`."""
    per_batch = max(1, min(batch_size, -(-documents // (workers * _BLOCKS_PER_WORKER))))
    return max(1, -(-documents // per_batch)), per_batch


class _ArticleWorker:
    """A Ray Data actor: spaCy and the quote tagger loaded once, then batches of documents."""

    def __init__(self, repeats: frozenset[str]) -> None:
        nlp.spacy_pipeline()
        load_tagger()
        self.repeats = repeats

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        items = batch.to_pylist()
        rows = article_rows(
            [(item["index"], from_dict(RawDocument, json.loads(item["document"]))) for item in items],
            [item["with_repeats"] for item in items],
            self.repeats,
        )
        schema = pa.schema([("index", pa.int64()), *((name, pa.string()) for name in _COLUMNS)])
        return pa.Table.from_pylist(rows, schema=schema)


def article_rows(
    items: Sequence[tuple[int, RawDocument]], with_repeats: Sequence[bool], repeats: frozenset[str]
) -> list[dict[str, Any]]:
    """One row per document: its article, parse and quote tags as JSON (the forms the store
    keeps), or the failure that stopped it."""
    rows: list[dict[str, Any]] = []
    cleaned: list[tuple[int, Article]] = []
    for (index, doc), flag in zip(items, with_repeats, strict=True):
        try:
            cleaned.append((index, per_article.clean_article(doc, repeats if flag else frozenset())))
        except (ExtractionError, StageError) as e:
            failure = Failure(source=doc.source, stage="clean", message=str(e))
            rows.append(_row(index, doc.source, failure=failure))
    parses = nlp.analyze_stream([article for _, article in cleaned])
    for (index, article), parsed in zip(cleaned, parses, strict=True):
        if isinstance(parsed, Failure):  # the article is kept; its briefing leaves it out
            rows.append(_row(index, article.source, article=article, failure=parsed))
            continue
        try:
            tags = per_article.tags_to_json(quotes.tag_article(article, parsed))
        except Exception:  # a tagger bug: the brief tags again and names the article
            log.warning("tagging %s failed", article.source, exc_info=True)
            tags = None
        analysis = nlp.analysis_to_json(parsed)
        rows.append(_row(index, article.source, article=article, analysis=analysis, tags=tags))
    return rows


def _row(
    index: int,
    source: str,
    *,
    article: Article | None = None,
    analysis: dict | None = None,
    tags: list | None = None,
    failure: Failure | None = None,
) -> dict[str, Any]:
    def dumped(value: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False)

    return {
        "index": index,
        "source": source,
        "article_id": article.id if article else None,
        "article": dumped(to_dict(article) if article else None),
        "analysis": dumped(analysis),
        "tags": dumped(tags),
        "failure": dumped(to_dict(failure) if failure else None),
    }


def _files(folder: Path) -> list[Path]:
    files = sorted(folder.rglob("*.parquet"))
    if not files:
        raise ConfigError(f"{folder}: no Parquet files; run `storyline ingest --ray` into it first")
    return files


def _batches(folder: Path, columns: Sequence[str]) -> Iterator[list[dict[str, Any]]]:
    import pyarrow.parquet as pq

    for path in _files(folder):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=_STORE_CHUNK, columns=list(columns)):
            yield batch.to_pylist()


def load_results(folder: Path, store: Store) -> list[Outcome]:
    """Put the rows of a Parquet folder into the store: the articles in input order (as a
    single-process ingest adds them), then their parses and quote tags under the current
    versions; return each document's outcome in input order."""
    rows = sorted(
        (row for chunk in _batches(folder, ("index", "source", "article", "failure")) for row in chunk),
        key=lambda row: row["index"],
    )
    outcomes = []
    for row in rows:
        article = from_dict(Article, json.loads(row["article"])) if row["article"] else None
        if article is not None:
            store.add_article(article)
        failure = from_dict(Failure, json.loads(row["failure"])) if row["failure"] else None
        outcomes.append(Outcome(row["index"], row["source"], article.id if article else None, failure))
    del rows
    tags_version = per_article.quote_tags_version()
    for chunk in _batches(folder, ("article_id", "analysis", "tags")):
        parses = {row["article_id"]: json.loads(row["analysis"]) for row in chunk if row["analysis"]}
        store.put_outputs("analysis", nlp.ANALYSIS_VERSION, parses)
        tags = {row["article_id"]: json.loads(row["tags"]) for row in chunk if row["tags"]}
        store.put_outputs("quote_tags", tags_version, tags)
    return outcomes
