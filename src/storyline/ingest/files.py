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
    """Read one input file into documents; a JSONL file may give several, plus Failures.
    `max_bytes` limits a file, or each record of a JSONL file (which may be of any size)."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        try:
            return list(_read_jsonl(path, max_bytes))
        except InputError as e:
            return [Failure(source=str(path), stage="ingest", message=str(e))]
    try:
        data = _read_bytes(path, max_bytes)
    except InputError as e:
        return [Failure(source=str(path), stage="ingest", message=str(e))]
    if suffix in HTML_SUFFIXES:
        try:
            html = decode_html(data, str(path))
        except InputError as e:
            return [Failure(source=str(path), stage="ingest", message=str(e))]
        return [RawDocument(source=str(path), html=html)]
    try:
        text = decode_text(data, str(path))
    except InputError as e:
        return [Failure(source=str(path), stage="ingest", message=str(e))]
    return [RawDocument(source=str(path), text=text)]


# The first bytes of compressed and binary formats: never an article, whatever the file's name.
_BINARY_MAGIC = {
    b"\x1f\x8b": "gzip",
    b"PK\x03\x04": "zip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
    b"%PDF-": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"\x7fELF": "ELF executable",
}


def refuse_binary(data: bytes, source: str) -> None:
    """Raise InputError when `data` is a compressed or binary file rather than text or HTML."""
    head = data.lstrip()[:8]
    for magic, kind in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise InputError(f"{source}: a {kind} file, not text or HTML; decompress or convert it first")
    if b"\x00" in data[:8192]:
        raise InputError(f"{source}: looks like a binary file (contains NUL bytes), not text")


def decode_html(data: bytes, source: str) -> str:
    """HTML as text, bytes-tolerant (trafilatura sniffs the page's own encoding), refusing
    binary data with a clear reason."""
    refuse_binary(data, source)
    text = data.decode("utf-8", errors="replace")
    sample = text[:8192]
    odd = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\n\r\t\f"))
    if odd > 0.05 * len(sample) and not _declares_a_legacy_charset(data[:4096]):
        raise InputError(f"{source}: looks like a binary file (not UTF-8 and not HTML), not a web page")
    return text


def _declares_a_legacy_charset(head: bytes) -> bool:
    """A page that names its charset (windows-1251, shift_jis...) is left to trafilatura."""
    return b"charset" in head.lower() and b"utf-8" not in head.lower()


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
    refuse_binary(data, source)
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


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[RawDocument | Failure]:
    """The records of a JSONL file, read a line at a time: a line over `max_bytes` fails alone,
    named by its line number, and the records around it are kept."""
    source = str(path)
    try:
        handle = path.open("rb")
    except OSError as e:
        raise InputError(f"{path}: cannot read file ({e.strerror or e})") from e
    with handle:
        head = handle.read(8192)
        refuse_binary(head, source)
        handle.seek(0)
        seen_any = False
        for number, line in enumerate(_lines(handle, max_bytes), start=1):
            where = f"{source}:{number}"
            if line is None:
                seen_any = True
                yield Failure(
                    source=where,
                    stage="ingest",
                    message=f"{where}: record larger than {max_bytes / 1e6:.1f} MB; "
                    "split it or raise the limit with --max-bytes",
                )
                continue
            if not line.strip():
                continue
            seen_any = True
            yield _parse_record(line, where, first=number == 1)
    if not seen_any:
        raise InputError(f"{path}: file is empty")


def _lines(handle, max_bytes: int) -> Iterator[bytes | None]:
    """The lines of a binary file, None for a line over `max_bytes` (read past, never kept)."""
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(1 << 20)
            yield None
        else:
            yield line


def _parse_record(line: bytes, where: str, *, first: bool) -> RawDocument | Failure:
    try:
        text = line.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as e:
        return Failure(
            source=where,
            stage="ingest",
            message=f"{where}: not valid UTF-8 (byte 0x{line[e.start]:02x}); re-encode the file as UTF-8",
        )
    try:
        return _document_from_record(json.loads(text), where)
    except json.JSONDecodeError as e:
        return Failure(source=where, stage="ingest", message=f"{where}: invalid JSON ({e.msg})")
    except InputError as e:
        return Failure(source=where, stage="ingest", message=str(e))


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
