"""Fuzz targets for the readers of untrusted input: HTML, scraped text, JSONL, WARC and feeds.

Each target takes bytes and must either return normally or raise the one clear error its reader
documents (ExtractionError, InputError); any other exception is a bug, and so is a hang, which
`run_bounded` turns into a failure. `fuzz/run.py` runs them for minutes; `tests/test_fuzz.py`
runs a few hundred examples of each in CI.
"""

from __future__ import annotations

import io
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path

from storyline.clean import clean_document, normalize_text
from storyline.clean.text import clean_text
from storyline.errors import ExtractionError, InputError
from storyline.ingest.feeds import parse_feed
from storyline.ingest.files import read_documents
from storyline.ingest.warc import iter_warc
from storyline.models import Failure, RawDocument

SECONDS_PER_INPUT = 20


class Hang(Exception):
    """An input took longer than SECONDS_PER_INPUT."""


def run_bounded(target: Callable[[bytes], None], data: bytes, seconds: int = SECONDS_PER_INPUT) -> None:
    """Run one target on one input; raise Hang when it takes longer than `seconds`."""

    def alarm(signum, frame):
        raise Hang(f"{target.__name__} took more than {seconds} s on {len(data)} bytes")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        target(data)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def html(data: bytes) -> None:
    try:
        article = clean_document(RawDocument(source="fuzz.html", html=data.decode("utf-8", errors="replace")))
    except ExtractionError:
        return
    assert article.text.strip(), "an article with no text must be an ExtractionError"


def text(data: bytes) -> None:
    raw = data.decode("utf-8", errors="replace")
    cleaned = clean_text(raw)
    normalized = normalize_text(raw)
    for paragraph in cleaned.text.split("\n\n"):
        assert paragraph in normalized, "cleaning must never invent text"
    for removal in cleaned.removed:
        assert normalized[removal.start : removal.end] == removal.text, "removal offsets must be exact"


def _read_file(data: bytes, suffix: str) -> list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        return read_documents(path, max_bytes=1_000_000)


def jsonl(data: bytes) -> None:
    for item in _read_file(data, ".jsonl"):
        assert isinstance(item, RawDocument | Failure)
        if isinstance(item, RawDocument):
            assert (item.text is None) != (item.html is None)


def plain_file(data: bytes) -> None:
    for item in _read_file(data, ".txt"):
        assert isinstance(item, RawDocument | Failure)


def warc(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.warc"
        path.write_bytes(data)
        for item in iter_warc(path, max_bytes=1_000_000):
            assert isinstance(item, RawDocument | Failure)


def feed(data: bytes) -> None:
    try:
        entries = parse_feed(data, "http://fuzz.example/feed")
    except InputError:
        return
    for entry in entries:
        assert entry.link.startswith(("http://", "https://")) or entry.link


def sample_warc() -> bytes:
    """A small valid archive (two HTML responses), the seed the WARC target mutates."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for i in range(2):
        body = (
            f"<html><body><article><p>Paragraph {i} of a story about the river plan, "
            "approved on Wednesday by the council after a long debate.</p></article>"
            "</body></html>"
        ).encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                f"https://news.example.com/{i}", "response", payload=io.BytesIO(body), http_headers=http
            )
        )
    return out.getvalue()


TARGETS: dict[str, Callable[[bytes], None]] = {
    "html": html,
    "text": text,
    "jsonl": jsonl,
    "plain_file": plain_file,
    "warc": warc,
    "feed": feed,
}
