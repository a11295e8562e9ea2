"""Read `.txt`, `.html`/`.htm` and `.jsonl` inputs, and a manifest, into RawDocuments.

Every unreadable item becomes a Failure with a one-line reason; the rest of the batch goes on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from dateutil import parser as date_parser

from storyline.config import DEFAULTS
from storyline.errors import InputError
from storyline.ingest.warc import is_warc
from storyline.models import Failure, RawDocument

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MANIFEST_FIELDS = ("published", "outlet", "title", "url")


def iter_input_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | Failure]:
    """Yield the readable input files under `paths` (files or folders), sorted, or a Failure."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and (p.suffix.lower() in SUPPORTED_SUFFIXES or is_warc(p))
                and not p.name.startswith(".")
                and p.name != "manifest.jsonl"
            )
            if not found:
                yield Failure(
                    source=str(path),
                    stage="ingest",
                    message=f"no .txt, .html, .jsonl or .warc files in folder {path}",
                )
            yield from found
        elif path.is_file():
            yield path
        else:
            yield Failure(source=str(path), stage="ingest", message=f"no such file or folder: {path}")


def read_documents(path: Path, *, max_bytes: int = DEFAULTS.ingest.max_bytes) -> list[RawDocument | Failure]:
    """Read one input file into documents; a JSONL file may give several, plus Failures."""
    try:
        data = _read_bytes(path, max_bytes)
    except InputError as e:
        return [Failure(source=str(path), stage="ingest", message=str(e))]
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return list(_parse_jsonl(data, str(path)))
    if suffix in HTML_SUFFIXES:
        # trafilatura sniffs the page's own encoding, so HTML stays bytes-tolerant.
        return [RawDocument(source=str(path), html=data.decode("utf-8", errors="replace"))]
    try:
        text = decode_text(data, str(path))
    except InputError as e:
        return [Failure(source=str(path), stage="ingest", message=str(e))]
    return [RawDocument(source=str(path), text=text)]


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path}: file too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB limit); "
                "split it or raise the limit with --max-bytes"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as e:
        raise InputError(f"{path}: cannot read file ({e.strerror or e})") from e
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    return data


def decode_text(data: bytes, source: str) -> str:
    """Decode UTF-8 text, refusing binary data with a clear reason."""
    sample = data[:8192]
    if b"\x00" in sample:
        raise InputError(f"{source}: looks like a binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{source}: not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "re-encode the file as UTF-8"
        ) from e
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * min(len(text), 8192):
        raise InputError(f"{source}: looks like a binary file (many control characters), not text")
    if not text.strip():
        raise InputError(f"{source}: file is empty")
    return text


def _parse_jsonl(data: bytes, source: str) -> Iterator[RawDocument | Failure]:
    try:
        text = decode_text(data, source)
    except InputError as e:
        yield Failure(source=source, stage="ingest", message=str(e))
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            yield _document_from_record(json.loads(line), where)
        except json.JSONDecodeError as e:
            yield Failure(source=where, stage="ingest", message=f"{where}: invalid JSON ({e.msg})")
        except InputError as e:
            yield Failure(source=where, stage="ingest", message=str(e))


def _document_from_record(record: object, where: str) -> RawDocument:
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
    text, html = record.get("text"), record.get("html")
    if not (isinstance(text, str) and text.strip()) and not (isinstance(html, str) and html.strip()):
        raise InputError(f"{where}: record has no non-empty 'text' or 'html' field")
    url = _optional_str(record, "url", where)
    published = parse_date(record.get("published"), where)
    return RawDocument(
        source=url or where,
        text=text if isinstance(text, str) and text.strip() else None,
        html=html if not (isinstance(text, str) and text.strip()) else None,
        title=_optional_str(record, "title", where),
        outlet=_optional_str(record, "outlet", where),
        url=url,
        published=published,
        published_from="input" if published else None,
    )


def _optional_str(record: dict, key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: field '{key}' must be a string, got {value!r}")
    return value.strip() or None


def parse_date(value: object, where: str) -> date | None:
    """Parse an ISO-like publication date; a bad value is an InputError naming it."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: 'published' must be a date string, got {value!r}")
    try:
        return date_parser.isoparse(value).date()
    except ValueError:
        try:
            return date_parser.parse(value).date()
        except (ValueError, OverflowError) as e:
            raise InputError(f"{where}: cannot parse 'published' date {value!r}") from e


def read_manifest(path: Path) -> tuple[dict[str, dict], list[Failure]]:
    """Read a JSONL manifest keyed by `file` (a file name or path) into metadata by file name."""
    failures: list[Failure] = []
    try:
        text = decode_text(_read_bytes(path, DEFAULTS.ingest.max_bytes), str(path))
    except InputError as e:
        return {}, [Failure(source=str(path), stage="manifest", message=str(e))]
    entries: dict[str, dict] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            failures.append(
                Failure(source=where, stage="manifest", message=f"{where}: invalid JSON ({e.msg})")
            )
            continue
        if not isinstance(record, dict) or not isinstance(record.get("file"), str):
            failures.append(
                Failure(source=where, stage="manifest", message=f"{where}: entry needs a 'file' string")
            )
            continue
        try:
            meta = {key: record.get(key) for key in MANIFEST_FIELDS}
            meta["published"] = parse_date(meta["published"], where)
        except InputError as e:
            failures.append(Failure(source=where, stage="manifest", message=str(e)))
            continue
        entries[Path(record["file"]).name] = meta
    return entries, failures


def apply_manifest(document: RawDocument, manifest: dict[str, dict]) -> RawDocument:
    """Fill a document's metadata from its manifest entry; the manifest wins over guesses."""
    meta = manifest.get(Path(document.source).name)
    if not meta:
        return document
    changes = {key: meta[key] for key in MANIFEST_FIELDS if meta.get(key)}
    if "published" in changes:
        changes["published_from"] = "manifest"
    return replace(document, **changes)


def missing_manifest_entries(
    manifest: dict[str, dict], seen_names: set[str], manifest_path: Path
) -> list[Failure]:
    """A Failure for each manifest entry whose file was not among the inputs."""
    return [
        Failure(
            source=f"{manifest_path}:{name}",
            stage="manifest",
            message=f"manifest entry for {name!r} matches no input file",
        )
        for name in sorted(set(manifest) - seen_names)
    ]
