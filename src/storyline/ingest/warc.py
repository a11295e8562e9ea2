"""Stream the HTML responses out of WARC archives (CC-NEWS and the like) in constant memory.

FastWARC reads gzip, zstd or lz4 archives record by record; only `response` records with an
HTML payload become documents, filtered by host and capture date before their body is read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from storyline.config import DEFAULTS
from storyline.models import Failure, RawDocument

WARC_SUFFIXES = (".warc", ".warc.gz", ".warc.zst", ".warc.lz4")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True, slots=True)
class WarcFilter:
    hosts: frozenset[str] = frozenset()  # keep these hosts and their subdomains; empty: all
    since: date | None = None
    until: date | None = None

    def keeps_host(self, url: str) -> bool:
        if not self.hosts:
            return True
        host = (urlsplit(url).hostname or "").lower()
        return any(host == h or host.endswith("." + h) for h in self.hosts)

    def keeps_date(self, when: date | None) -> bool:
        if when is None:
            return self.since is None and self.until is None
        return (self.since is None or when >= self.since) and (self.until is None or when <= self.until)


def is_warc(path: str | os.PathLike[str]) -> bool:
    return str(path).lower().endswith(WARC_SUFFIXES)


def iter_warc(
    path: Path, *, keep: WarcFilter = WarcFilter(), max_bytes: int = DEFAULTS.ingest.max_bytes
) -> Iterator[RawDocument | Failure]:
    """Yield a RawDocument for each HTML response kept by `keep`, a Failure for each bad one."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    def wanted(record) -> bool:
        url = record.headers.get("WARC-Target-URI", "")
        when = record.record_date.date() if record.record_date else None
        return keep.keeps_host(url) and keep.keeps_date(when)

    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as e:
        yield Failure(source=str(path), stage="ingest", message=f"{path}: cannot open ({e.strerror})")
        return
    try:
        records = ArchiveIterator(
            stream,
            record_types=WarcRecordType.response,
            parse_http=False,
            func_filter=wanted,
            fsspec_args=False,
        )
        for record in records:
            url = record.headers.get("WARC-Target-URI", "")
            source = f"{path}#{url}"
            size = int(record.headers.get("Content-Length", "0") or 0)
            if size > max_bytes:
                yield Failure(
                    source=source,
                    stage="ingest",
                    message=f"{source}: record of {size:,} bytes is over the limit of "
                    f"{max_bytes:,} (see --max-bytes)",
                )
                continue
            # The block digest (CC-NEWS records carry one) catches a record cut short; it must be
            # checked before the HTTP headers are parsed off the block.
            if "WARC-Block-Digest" in record.headers and not record.verify_block_digest():
                yield Failure(
                    source=source,
                    stage="ingest",
                    message=f"{source}: truncated or corrupt record (block digest mismatch)",
                )
                continue
            record.parse_http()
            if record.http_headers is None:
                yield Failure(
                    source=source,
                    stage="ingest",
                    message=f"{source}: truncated record (no HTTP response in it)",
                )
                continue
            if record.http_headers.status_code != 200:
                continue
            if (record.http_content_type or "").lower() not in HTML_TYPES:
                continue
            body = record.reader.read(max_bytes + 1)
            yield RawDocument(source=source, html=_decode(body, record.http_charset), url=url or None)
    except Exception as e:  # a truncated or corrupt archive ends the file, not the batch
        yield Failure(
            source=str(path),
            stage="ingest",
            message=f"{path}: unreadable WARC data ({type(e).__name__}: {e})",
        )
    finally:
        stream.close()


def _decode(body: bytes, charset: str | None) -> str:
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset name Python does not know
        return body.decode("utf-8", errors="replace")
