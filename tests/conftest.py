"""Shared fixtures: hand-built records, an in-memory store, the sample corpus and the seeds."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from storyline.clean import article_id
from storyline.models import Article
from storyline.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample"
SEEDS = ROOT.parent / "shared" / "seeds"


def make_article(text: str, **fields) -> Article:
    """An Article with an id derived from its text, like the real ones."""
    fields.setdefault("source", "test.txt")
    return Article(id=fields.pop("id", None) or article_id(text), text=text, **fields)


@pytest.fixture
def store():
    with Store(":memory:") as s:
        yield s


@pytest.fixture(scope="session")
def sample_briefing(tmp_path_factory):
    from storyline import brief

    db = tmp_path_factory.mktemp("sample") / "sample.db"
    return brief([SAMPLE], manifest=SAMPLE / "manifest.jsonl", db=db)


@pytest.fixture(scope="session")
def seed_briefing(tmp_path_factory):
    if not SEEDS.is_dir():
        pytest.skip(f"seeds not present at {SEEDS}")
    from storyline import brief

    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    return brief([SEEDS], manifest=SEEDS / "manifest.jsonl", db=db)


@pytest.fixture(scope="session")
def undated_seed_briefing(tmp_path_factory):
    """The seeds briefed without their manifest: no article has a publication date."""
    if not SEEDS.is_dir():
        pytest.skip(f"seeds not present at {SEEDS}")
    from storyline import brief

    return brief([SEEDS], db=tmp_path_factory.mktemp("undated") / "seeds.db")


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """A store file with the sample corpus ingested and briefed (for the web app)."""
    from tests.web_support import build_sample_db

    return build_sample_db(tmp_path_factory.mktemp("web-sample"))


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory) -> Path:
    """The sample corpus plus an article full of markup and script (for the escaping tests)."""
    from tests.web_support import build_hostile_db

    return build_hostile_db(tmp_path_factory.mktemp("web-hostile"))


def evaluation_section(section: str) -> str:
    """The text under the `## section` heading of docs/evaluation.md."""
    text = (ROOT / "docs" / "evaluation.md").read_text("utf-8")
    assert f"\n## {section}\n" in text, f"docs/evaluation.md has no section {section!r}"
    return text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]


def evaluation_table(section: str) -> dict[str, list[str]]:
    """The tables under the `## section` heading of docs/evaluation.md: each row's first cell
    (its figure) -> its other cells (the first row of that name wins)."""
    table: dict[str, list[str]] = {}
    for line in evaluation_section(section).splitlines():
        if line.startswith("| "):
            first, *cells = (cell.strip() for cell in line.strip().strip("|").split("|"))
            table.setdefault(first, cells)
    return table


def figures(text: str) -> list[float]:
    """The decimal figures in `text`, in order ("0.853 (0.852)" -> [0.853, 0.852])."""
    return [float(f) for f in re.findall(r"\d+\.\d+", text)]


def readme_headline(command: str) -> list[float]:
    """storyline's figures in the README's evaluation table, on the row of `storyline eval command`."""
    readme = (ROOT / "README.md").read_text("utf-8")
    (row,) = [line for line in readme.splitlines() if line.startswith(f"| `storyline eval {command}` |")]
    return figures(row.strip("|").split("|")[2])


def seed_id(briefing, prefix: str) -> str:
    """The article id of the seed whose file name starts with `prefix` ("000")."""
    return next(a.id for a in briefing.articles if Path(a.source).name.startswith(prefix))


__all__ = [
    "ROOT",
    "SAMPLE",
    "SEEDS",
    "date",
    "evaluation_section",
    "evaluation_table",
    "figures",
    "make_article",
    "readme_headline",
    "seed_id",
]
