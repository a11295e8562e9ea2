"""Shared by the web tests: stores built from the sample corpus, a hostile article, HTML probes."""

from __future__ import annotations

import json
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import SAMPLE

HOSTILE_TEXT = """<script>window.__pwned = 1</script> Tarn treaty: what the critics say
DRAVIK, Karvonia - Critics of the Tarn treaty <img src=x onerror="window.__pwned = 2"> said on \
Wednesday that the deal signed by Estria and Karvonia gives Estria too little water. \
<a href="javascript:window.__pwned = 3">Read the treaty</a> and <b onmouseover="window.__pwned=4">judge</b>.
"The treaty <script>window.__pwned = 5</script> is a surrender," opposition leader Henrik Aalto said \
in Valmora. "We will vote against it </textarea><svg onload=window.__pwned=6>."
The presidents of Estria and Karvonia signed the treaty on Tuesday in Dravik, and the Estrian \
parliament is expected to vote on it next week, officials said. '"><iframe src=javascript:alert(7)>
"""
HOSTILE_MANIFEST = {
    "file": "09_hostile.txt",
    "published": "2025-05-22",
    "outlet": "<script>window.__pwned=8</script>Evil Outlet",
    "title": 'Treaty critics <img src=x onerror="window.__pwned=9">',
    "url": "javascript:window.__pwned=10",
}
HOSTILE_MARKERS = ("__pwned",)


def copy_store(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite store (WAL included)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def build_sample_db(folder: Path) -> Path:
    """The sample corpus, ingested and briefed, in a store file."""
    from storyline import brief

    db = folder / "sample.db"
    brief([SAMPLE], manifest=SAMPLE / "manifest.jsonl", db=db)
    return db


def build_hostile_db(folder: Path) -> Path:
    """The sample corpus plus an article full of markup, with a hostile title, outlet and url."""
    from storyline import brief

    corpus = folder / "corpus"
    corpus.mkdir()
    for path in SAMPLE.glob("*.txt"):
        (corpus / path.name).write_text(path.read_text("utf-8"), "utf-8")
    (corpus / HOSTILE_MANIFEST["file"]).write_text(HOSTILE_TEXT, "utf-8")
    manifest = folder / "manifest.jsonl"
    lines = (SAMPLE / "manifest.jsonl").read_text("utf-8").splitlines()
    manifest.write_text("\n".join([*lines, json.dumps(HOSTILE_MANIFEST)]) + "\n", "utf-8")
    db = folder / "hostile.db"
    brief([corpus], manifest=manifest, db=db)
    return db


class MarkedText(HTMLParser):
    """Collects the text inside elements that have a given class (e.g. mark.hl)."""

    def __init__(self, cls: str) -> None:
        super().__init__(convert_charrefs=True)
        self.cls, self.depth, self.pieces, self.ids = cls, 0, [], []
        self.stack: list[bool] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hit = self.cls in (attrs.get("class") or "").split()
        if hit and attrs.get("id"):
            self.ids.append(attrs["id"])
        self.stack.append(hit)
        self.depth += hit

    def handle_endtag(self, tag):
        if self.stack:
            self.depth -= self.stack.pop()

    def handle_data(self, data):
        if self.depth:
            self.pieces.append(data)

    @property
    def text(self) -> str:
        return "".join(self.pieces)


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def active_content(html: str) -> list[str]:
    """What could run in a page: scripts other than ours, event-handler attributes, javascript:
    URLs, embedded frames and SVG."""
    parser = Elements()
    parser.feed(html)
    found = []
    for tag, attrs in parser.tags:
        if tag == "script" and attrs.get("src") != "/static/app.js":
            found.append(f"<script {attrs}>")
        if tag in ("iframe", "svg", "img", "object", "embed"):
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            if (
                name in ("href", "src", "action", "formaction")
                and value
                and value.strip().lower().startswith("javascript:")
            ):
                found.append(f"<{tag} {name}={value}>")
    return found


def marked_text(html: str, cls: str) -> str:
    parser = MarkedText(cls)
    parser.feed(html)
    return parser.text


__all__ = [
    "HOSTILE_MANIFEST",
    "HOSTILE_MARKERS",
    "HOSTILE_TEXT",
    "active_content",
    "build_hostile_db",
    "build_sample_db",
    "copy_store",
    "marked_text",
]
