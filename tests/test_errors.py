"""The exception tree: one root, drawn in the module docstring; StageError names the stage."""

from __future__ import annotations

import inspect
import re

import pytest
from tests.conftest import ROOT

from storyline import errors
from storyline.models import RawDocument
from storyline.pipeline import _Clock, _store_documents


def _classes() -> dict[str, type]:
    return {
        name: value
        for name, value in vars(errors).items()
        if inspect.isclass(value) and issubclass(value, BaseException)
    }


def test_tree_has_one_root_and_its_drawing_names_every_class():
    classes = _classes()
    assert all(issubclass(cls, errors.StorylineError) for cls in classes.values())
    drawn = re.findall(r"^ +(?:[├└]── )?([A-Z]\w+)(?: |$)", errors.__doc__, flags=re.MULTILINE)
    assert sorted(drawn) == sorted(classes)


def test_fetch_error_is_in_the_tree_and_still_importable_from_ingest_web():
    from storyline.ingest.web import FetchError

    assert FetchError is errors.FetchError
    error = FetchError("HTTP 503 Service Unavailable", transient=True, retry_after=2.0)
    assert isinstance(error, errors.StorylineError)
    assert (error.transient, error.retry_after, str(error)) == (True, 2.0, "HTTP 503 Service Unavailable")


def test_stage_error_names_the_stage_and_the_item_of_an_unforeseen_error():
    with pytest.raises(errors.StageError) as caught, _Clock().stage("quotes", "a1b2"):
        {}["speaker"]
    assert (caught.value.stage, caught.value.item_id) == ("quotes", "a1b2")
    assert str(caught.value) == "stage quotes failed on a1b2: KeyError: 'speaker'"
    assert isinstance(caught.value.__cause__, KeyError)


def test_stage_lets_storyline_errors_through_unchanged():
    missing = errors.MissingDependency("no spaCy English pipeline found")
    with pytest.raises(errors.MissingDependency) as caught, _Clock().stage("analyze"):
        raise missing
    assert caught.value is missing


def test_clock_sums_the_time_of_a_stage_over_its_items(caplog):
    clock = _Clock()
    for _ in range(3):
        with clock.stage("timeline"):
            sum(range(10_000))
    spent = clock.spent["timeline"]
    with caplog.at_level("INFO", logger="storyline.pipeline"):
        clock.log("timeline", "3 entries for 3 events")
    assert spent > 0
    assert caplog.messages == [f"stage timeline: 3 entries for 3 events in {spent:.2f} s"]


def test_a_document_a_cleaner_breaks_on_is_a_clean_failure_and_the_batch_goes_on(store):
    failures = []
    good = RawDocument(source="good.txt", text="The inspectors reached the dam on Monday. " * 20)
    broken = RawDocument(source="broken.txt", text=12345)  # not text: the normalizer raises TypeError
    stored = _store_documents([broken, good], store, frozenset(), failures)
    assert len(stored.ids) == 1 and stored.ids_by_source.keys() == {"good.txt"}
    (failure,) = failures
    assert (failure.source, failure.stage) == ("broken.txt", "clean")
    assert failure.message.startswith("broken.txt: TypeError: ")


def test_architecture_docs_draw_the_same_tree():
    drawing = errors.__doc__.split("\n\n")[1]
    docs = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    assert "\n".join(line.strip() for line in drawing.splitlines()) in docs
