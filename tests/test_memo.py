"""The store-backed memo of corpus-stage pieces: keys name every input, rows read back as
stored, and rows no recent run used are deleted."""

from __future__ import annotations

from datetime import date

from storyline.memo import Memo, digest, parse_digest, partition
from storyline.models import Analysis, Mention, Sentence, Span, Token


def test_a_key_changes_with_any_input_and_only_then():
    span = Span(article_id="a1", start=0, end=12)
    key = digest("v1", span, [0.25, -1.0], date(2024, 3, 11), None)
    assert key == digest("v1", Span(article_id="a1", start=0, end=12), [0.25, -1.0], date(2024, 3, 11), None)
    assert key != digest("v2", span, [0.25, -1.0], date(2024, 3, 11), None)
    assert key != digest("v1", Span(article_id="a1", start=0, end=13), [0.25, -1.0], date(2024, 3, 11), None)
    assert key != digest("v1", span, [0.25, -1.0000000000000002], date(2024, 3, 11), None)  # exact floats
    assert key != digest("v1", span, [0.25, -1.0], date(2024, 3, 12), None)
    assert key != digest("v1", span, [0.25, -1.0], date(2024, 3, 11), "")


def _analysis(lemma: str, entity_id: str | None = None) -> Analysis:
    return Analysis(
        article_id="a1",
        sentences=(Sentence(article_id="a1", index=0, start=0, end=9),),
        tokens=(
            Token(i=0, start=0, end=4, lemma="Kyiv", pos="PROPN", tag="NNP", dep="nsubj", head=1, sent=0),
            Token(i=1, start=5, end=9, lemma=lemma, pos="VERB", tag="VBD", dep="ROOT", head=1, sent=0),
        ),
        mentions=(Mention(article_id="a1", start=0, end=4, text="Kyiv", label="GPE", entity_id=entity_id),),
    )


def test_the_parse_digest_reads_every_token_field_but_not_the_entity_links():
    assert parse_digest(_analysis("say")) == parse_digest(_analysis("say"))
    assert parse_digest(_analysis("say")) != parse_digest(_analysis("tell"))
    assert parse_digest(_analysis("say", "ent-1")) == parse_digest(_analysis("say", "ent-2"))


def test_a_partition_names_which_labels_are_one_in_order_of_first_use():
    assert partition(["ent-b", None, "ent-a", "ent-b"]) == [0, None, 1, 0]
    assert partition(["x", None, "y", "x"]) == partition(["ent-b", None, "ent-a", "ent-b"])
    assert partition(["x", "x"]) != partition(["x", "y"])


def test_pieces_read_back_as_stored_and_are_counted(store):
    memo = Memo(store)
    keys = {"evt-1": digest("one"), "evt-2": digest("two")}
    assert memo.recall("event", keys) == {}
    memo.keep("event", keys, {"evt-1": {"claims": [1, 2]}, "evt-2": {"claims": []}})
    again = Memo(store)
    assert again.run == memo.run + 1
    found = again.recall("event", {"evt-1": keys["evt-1"], "evt-3": digest("three")})
    assert found == {"evt-1": {"claims": [1, 2]}}
    assert again.counts("event") == "0 made, 1 from the store"
    assert memo.counts("event") == "2 made, 0 from the store"


def test_rows_no_recent_run_used_are_deleted(store):
    first = Memo(store)
    first.keep("quotes", {"a": "k-a", "b": "k-b"}, {"a": [], "b": []})
    for _ in range(3):  # three later runs use "a" only
        later = Memo(store)
        assert later.recall("quotes", {"a": "k-a"}) == {"a": []}
    assert later.prune(keep=3) == 1  # "b" was last used four runs ago
    assert store.memo_count("quotes") == 1
    assert Memo(store).recall("quotes", {"a": "k-a", "b": "k-b"}) == {"a": []}
