from __future__ import annotations

import json

from storyline.ingest import (
    apply_manifest,
    iter_input_files,
    missing_manifest_entries,
    read_documents,
    read_manifest,
)
from storyline.models import Failure, RawDocument

PROSE = "The minister said on Monday that the talks had gone well and would continue next week.\n"


def _only_failure(items) -> Failure:
    assert len(items) == 1 and isinstance(items[0], Failure), items
    return items[0]


def test_read_documents_text_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(PROSE, encoding="utf-8")
    (doc,) = read_documents(path)
    assert isinstance(doc, RawDocument) and doc.text == PROSE and doc.source == str(path)


def test_read_documents_empty_file_is_a_failure(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n", encoding="utf-8")
    assert "empty" in _only_failure(read_documents(path)).message


def test_read_documents_binary_file_is_a_failure(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    assert "binary" in _only_failure(read_documents(path)).message


def test_read_documents_non_utf8_names_the_byte(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\u00e9 society gathered in the square.".encode("latin-1"))
    message = _only_failure(read_documents(path)).message
    assert "UTF-8" in message and "0xe9" in message


def test_read_documents_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # a 50 MB file
    message = _only_failure(read_documents(path)).message
    assert "too large" in message and "--max-bytes" in message


def test_iter_input_files_reports_missing_path(tmp_path):
    items = list(iter_input_files([tmp_path / "nope.txt"]))
    assert "no such file" in _only_failure(items).message


def test_iter_input_files_walks_folders_sorted_and_skips_manifest(tmp_path):
    for name in ("b.txt", "a.html", "manifest.jsonl", "notes.md", "c.jsonl"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    names = [p.name for p in iter_input_files([tmp_path])]
    assert names == ["a.html", "b.txt", "c.jsonl"]


def test_jsonl_bad_line_fails_alone(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"text": PROSE, "outlet": "Wire", "published": "2024-03-12"}),
        "{not json",
        json.dumps({"title": "no body"}),
        json.dumps({"html": "<p>x</p>", "url": "https://example.org/a"}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    items = read_documents(path)
    docs = [i for i in items if isinstance(i, RawDocument)]
    failures = [i for i in items if isinstance(i, Failure)]
    assert len(docs) == 2 and len(failures) == 2
    assert docs[0].outlet == "Wire" and docs[0].published.isoformat() == "2024-03-12"
    assert docs[1].html and docs[1].source == "https://example.org/a"
    assert failures[0].source.endswith(":2") and "invalid JSON" in failures[0].message
    assert "no non-empty 'text' or 'html'" in failures[1].message


def test_manifest_fills_metadata_and_reports_missing_files(tmp_path):
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(
        "\n".join(
            [
                json.dumps({"file": "a.txt", "published": "2022-04-04", "outlet": "Post"}),
                json.dumps({"file": "gone.txt", "published": "2022-04-05"}),
                json.dumps({"file": "bad.txt", "published": "not a date"}),
            ]
        ),
        encoding="utf-8",
    )
    entries, failures = read_manifest(manifest)
    assert set(entries) == {"a.txt", "gone.txt"}
    assert len(failures) == 1 and "cannot parse" in failures[0].message
    doc = apply_manifest(RawDocument(source=str(tmp_path / "a.txt"), text=PROSE), entries)
    assert doc.outlet == "Post" and doc.published_from == "manifest"
    missing = missing_manifest_entries(entries, {"a.txt"}, manifest)
    assert [f.message for f in missing] == ["manifest entry for 'gone.txt' matches no input file"]
