"""Background ingestion: uploaded files are ingested and briefed one job at a time, in a thread,
with progress a page can poll."""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from storyline import pipeline
from storyline.ingest.remote import is_url
from storyline.ingest.web import FetchOptions
from storyline.models import Briefing
from storyline.store import Store

log = logging.getLogger(__name__)

STAGE_NAMES = {
    "queued": "waiting for the previous job",
    "fetch": "fetching the URLs",
    "clean": "reading and cleaning",
    "parse": "parsing",
    "briefing": "grouping events, quotes and claims",
    "done": "done",
    "failed": "failed",
}


@dataclass
class Job:
    """One ingestion: its files, where it is, and what it added."""

    id: str
    files: list[str]
    urls: list[str] = field(default_factory=list)
    state: str = "queued"  # queued | running | done | failed
    stage: str = "queued"
    done: int = 0
    total: int = 0
    article_ids: list[str] = field(default_factory=list)
    added: int = 0
    failures: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["files"] = [Path(f).name for f in self.files]
        data["stage_text"] = STAGE_NAMES.get(self.stage, self.stage)
        data["href"] = f"/jobs/{self.id}"
        return data


class JobRunner:
    """Runs ingestion jobs one after another on a worker thread."""

    def __init__(
        self, db: str, on_briefing: Callable[[Briefing, str], None], fetch_options: FetchOptions
    ) -> None:
        self.db = db
        self.fetch_options = fetch_options
        self.on_briefing = on_briefing
        self.jobs: dict[str, Job] = {}
        self._queue: queue.Queue[Job] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def busy(self) -> bool:
        return any(job.state in ("queued", "running") for job in self.jobs.values())

    def submit(self, files: list[str], notes: Iterable[str] = (), urls: Iterable[str] = ()) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], files=files, urls=list(urls), notes=list(notes))
        self.jobs[job.id] = job
        self._queue.put(job)
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="storyline-ingest", daemon=True)
                self._worker.start()
        return job

    def _work(self) -> None:
        while True:
            try:
                job = self._queue.get(timeout=1.0)
            except queue.Empty:
                return
            try:
                self._run(job)
            except Exception as e:  # the job fails and says why; the server goes on
                log.exception("ingestion job %s failed", job.id)
                job.state, job.stage, job.error = "failed", "failed", f"{type(e).__name__}: {e}"
            finally:
                job.finished = time.time()

    def _progress(self, job: Job):
        def progress(items: Iterable, label: str, total: int) -> Iterator:
            job.stage, job.done, job.total = label, 0, total
            for item in items:
                yield item
                job.done += 1

        return progress

    def _run(self, job: Job) -> None:
        job.state = "running"
        with Store(self.db) as store:
            if job.urls:
                job.stage = "fetch"
            result = pipeline.ingest(
                [*job.files, *job.urls], store, fetch_options=self.fetch_options, progress=self._progress(job)
            )
            store.add_failures(uuid.uuid4().hex, result.failures)
            job.article_ids, job.added = list(result.article_ids), result.added
            job.failures = [_shown_failure(f) for f in result.failures]
            ids = [a.id for a in store.articles()]
            if ids:
                job.stage, job.done, job.total = "briefing", 0, 0
                briefing = pipeline.build_briefing(store, ids, progress=self._progress(job))
                job.stage = "briefing"
                mine = set(job.files)  # an article of this job that could not be parsed
                job.failures += [_shown_failure(f) for f in briefing.failures if f.source in mine]
                self.on_briefing(briefing, briefing_signature(store))
        job.state = job.stage = "done"


def _shown_failure(failure) -> dict:
    """A failure as a page shows it: an uploaded file by its name alone (not the server's path),
    a URL whole."""
    if is_url(failure.source):
        return {"source": failure.source, "stage": failure.stage, "message": failure.message}
    folder = str(Path(failure.source).parent) + "/"
    return {
        "source": Path(failure.source).name,
        "stage": failure.stage,
        "message": failure.message.replace(folder, ""),
    }


def briefing_signature(store: Store) -> str:
    """Changes whenever an article is added (articles are only ever inserted)."""
    count, last = store.conn.execute("SELECT COUNT(*), MAX(rowid) FROM articles").fetchone()
    return f"{count}:{last}"


__all__ = ["Job", "JobRunner", "briefing_signature"]
