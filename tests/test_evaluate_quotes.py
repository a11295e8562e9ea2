"""The PolNeAR scorer on hand-built cases, and the quality gate on the dev split."""

from __future__ import annotations

import pytest
from tests.conftest import ROOT, evaluation_table, figures, readme_headline

from storyline.evaluate.quotes import Attribution, Document, _parse_ann, read_polnear, score

POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
# Pinned dev figures of storyline over all attributions. Floors only rise: raise them when the
# extractor improves, never lower them to let a change through.
FLOORS = {
    "content_overlap_f1": 0.85,
    "content_exact_f1": 0.50,
    "source_overlap_f1": 0.76,
    "source_exact_f1": 0.69,
    "cue_overlap_f1": 0.745,
    "speaker_accuracy": 0.90,
}

TEXT = "Kuleba said “we are grateful” on Monday. Officials say the talks will go on."
GOLD = (
    Attribution(content=((12, 28),), source=((0, 6),), cue=((7, 11),)),
    Attribution(content=((55, 76),), source=((41, 50),), cue=((51, 54),)),
)


def _doc() -> Document:
    return Document(name="d", text=TEXT, gold=GOLD)


def test_perfect_prediction_scores_one():
    table = score([_doc()], lambda d: GOLD).table()
    assert table["content_exact_f1"] == 1.0 and table["source_exact_f1"] == 1.0
    assert table["speaker_accuracy"] == 1.0


def test_partial_overlap_counts_for_overlap_not_exact():
    predicted = [Attribution(content=((13, 40),), source=((0, 6),), cue=((7, 11),))]
    table = score([_doc()], lambda d: predicted).table()
    assert table["content_overlap_precision"] == 1.0 and table["content_overlap_recall"] == 0.5
    assert table["content_exact_f1"] == 0.0
    assert table["source_exact_precision"] == 1.0 and table["source_exact_recall"] == 0.5


def test_wrong_speaker_lowers_speaker_accuracy():
    predicted = [Attribution(content=((12, 28),), source=((41, 50),), cue=((7, 11),))]
    table = score([_doc()], lambda d: predicted).table()
    assert table["speaker_accuracy"] == 0.0 and table["content_exact_precision"] == 1.0


def test_direct_only_keeps_quoted_attributions():
    table = score([_doc()], lambda d: GOLD, direct_only=True).table()
    assert table["content_exact_recall"] == 1.0
    counts = score([_doc()], lambda d: GOLD, direct_only=True).counts["content_exact"]
    assert counts.gold == 1


def test_parse_ann_with_discontinuous_spans_and_no_source():
    ann = (
        "T1\tSource 0 6\tKuleba\nT2\tCue 7 11\tsaid\nT3\tContent 12 20;25 28\tx\n"
        "T4\tAttribution 7 11\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
        "T5\tContent 55 76\ty\nT6\tCue 51 54\tsay\nE2\tAttribution:T6 Content:T5 Cue:T6\n"
    )
    first, second = _parse_ann(ann)
    assert first.content == ((12, 20), (25, 28)) and first.source == ((0, 6),)
    assert second.source == ()


def test_read_polnear_reports_a_wrong_folder(tmp_path):
    from storyline.errors import InputError

    with pytest.raises(InputError, match="attributions"):
        read_polnear(tmp_path)


@pytest.mark.models
@pytest.mark.data
@pytest.mark.skipif(not POLNEAR.is_dir(), reason=f"PolNeAR not present at {POLNEAR}")
def test_quality_gate_on_polnear_dev():
    from storyline.evaluate.quotes import evaluate_quotes

    result = evaluate_quotes(POLNEAR, split="dev")
    ours = result["storyline_all"]
    below = {k: (ours[k], floor) for k, floor in FLOORS.items() if ours[k] < floor}
    assert not below, f"below the pinned floors (figure: (now, floor)): {below}"
    assert ours["content_overlap_f1"] > result["textacy_all"]["content_overlap_f1"]


# Each floor's row in docs/evaluation.md's table of figures, whose first column is storyline's.
DOCUMENTED = {
    "content_overlap_f1": "content overlap F1",
    "content_exact_f1": "content exact F1",
    "source_overlap_f1": "source overlap F1",
    "source_exact_f1": "source exact F1",
    "cue_overlap_f1": "cue overlap F1",
    "speaker_accuracy": "speaker accuracy (matched)",
}
SECTION = "Quote attribution: PolNeAR"


def test_documented_figures_meet_the_pinned_floors():
    """A floor raised past the figure the docs report, or a documented figure under its floor:
    one of the two is stale."""
    table = evaluation_table(SECTION)
    assert table["figure"][0] == "storyline (all)"
    assert DOCUMENTED.keys() == FLOORS.keys()
    documented = {key: figures(table[row][0])[0] for key, row in DOCUMENTED.items()}
    below = {k: (v, FLOORS[k]) for k, v in documented.items() if v < FLOORS[k]}
    assert not below, f"docs/evaluation.md under the floors (figure: (documented, floor)): {below}"


def test_readme_headline_repeats_the_documented_figures():
    table = evaluation_table(SECTION)
    rows = ["content overlap F1", "source overlap F1", "speaker accuracy (matched)"]
    assert readme_headline("quotes") == [figures(table[row][0])[0] for row in rows]


def test_annotator_agreement_scores_the_second_annotator_against_the_first(tmp_path):
    from storyline.evaluate.quotes import annotator_agreement

    (tmp_path / "train" / "text").mkdir(parents=True)
    (tmp_path / "train" / "attributions").mkdir()
    (tmp_path / "train" / "text" / "doc.txt").write_text(TEXT, "utf-8")
    first = (
        "T1\tSource 0 6\tKuleba\nT2\tCue 7 11\tsaid\nT3\tContent 12 28\twe are grateful\n"
        "T4\tAttribution 7 11\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    )
    # the second annotator found the same content but took "Monday" for the source
    second = first.replace("T1\tSource 0 6\tKuleba", "T1\tSource 32 38\tMonday")
    (tmp_path / "train" / "attributions" / "doc_aaaa.ann").write_text(first, "utf-8")
    (tmp_path / "train" / "attributions" / "doc_bbbb.ann").write_text(second, "utf-8")
    (tmp_path / "train" / "attributions" / "alone_cccc.ann").write_text(first, "utf-8")
    agreement = annotator_agreement(tmp_path, ("train",))
    assert agreement["documents"] == 1 and agreement["gold_attributions"] == 1
    assert agreement["content_exact_f1"] == 1.0 and agreement["speaker_accuracy"] == 0.0


def test_the_table_shows_the_annotators_beside_the_tools():
    from storyline.evaluate.quotes import render_table

    tools = {
        f"{n}_{s}": {"source_overlap_f1": 0.5}
        for n in ("storyline", "textacy", "shown")
        for s in ("all", "direct")
    }
    result = {
        "split": "dev",
        "documents": 1,
        "gold_attributions": 2,
        "textacy_bailed_out": 0,
        **tools,
        "annotators": {"documents": 3, "gold_attributions": 9, "source_overlap_f1": 0.8},
    }
    table = render_table(result)
    header, _, *rows = table.splitlines()[2:]
    assert header.endswith("| annotator vs annotator (all) |")
    assert header.startswith("| figure | storyline (all) | storyline shown (all) | textacy (all) |")
    assert "| source_overlap_f1 | 0.500 | 0.500 | 0.500 | 0.500 | 0.500 | 0.800 |" in rows


def test_a_malformed_annotation_file_is_named_in_a_clear_error(tmp_path):
    from storyline.errors import InputError

    (tmp_path / "dev" / "text").mkdir(parents=True)
    (tmp_path / "dev" / "attributions").mkdir()
    (tmp_path / "dev" / "text" / "doc.txt").write_text(TEXT, "utf-8")
    (tmp_path / "dev" / "attributions" / "doc_aaaa.ann").write_text("T1\tSource x y\tKuleba\n", "utf-8")
    with pytest.raises(InputError, match="doc_aaaa.ann"):
        read_polnear(tmp_path, "dev")
