"""Per-article results stored once per article and version: re-briefing a set with one article
fewer parses and tags nothing again, and gives what a fresh store gives (real models)."""

from __future__ import annotations

import logging
import shutil

import pytest
from tests.conftest import SAMPLE

from storyline import brief, briefing_to_dict
from storyline.per_article import quote_tags_version, tags_from_json, tags_to_json
from storyline.quotes.tagger import TaggedSpan
from storyline.store import Store


def test_tags_json_round_trip():
    tags = [TaggedSpan("CUE", 10, 14, 0, 2, 3), TaggedSpan("CONTENT", 15, 40, 1, 3, 9)]
    assert tags_from_json(tags_to_json(tags)) == tags


def _sample_without(tmp_path, left_out: str):
    folder = tmp_path / "seven"
    folder.mkdir()
    for path in SAMPLE.glob("*.txt"):
        if path.name != left_out:
            shutil.copy(path, folder / path.name)
    lines = (SAMPLE / "manifest.jsonl").read_text("utf-8").splitlines()
    (folder / "manifest.jsonl").write_text("\n".join(x for x in lines if left_out not in x) + "\n", "utf-8")
    return folder


@pytest.mark.models
def test_one_article_fewer_redoes_no_per_article_work(tmp_path, caplog):
    db = tmp_path / "story.db"
    full = brief([SAMPLE], manifest=SAMPLE / "manifest.jsonl", db=db)
    with Store(db) as store:
        stored = store.get_outputs("quote_tags", [a.id for a in full.articles], quote_tags_version())
    assert set(stored) == {a.id for a in full.articles}

    seven = _sample_without(tmp_path, "05_wire_treaty.txt")
    with caplog.at_level(logging.INFO, logger="storyline.pipeline"):
        again = brief([seven], manifest=seven / "manifest.jsonl", db=db)
    assert len(again.articles) == len(full.articles) - 1
    logged = caplog.text
    assert "0 articles parsed, 7 from the store" in logged
    assert "0 articles tagged, 7 from the store" in logged
    assert "stored briefing" not in logged  # a new set: the corpus stages ran

    fresh = brief([seven], manifest=seven / "manifest.jsonl", db=tmp_path / "fresh.db")
    assert briefing_to_dict(again) == briefing_to_dict(fresh)
