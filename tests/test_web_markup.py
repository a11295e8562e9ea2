"""Marking stand-off spans in article text: well-formed HTML, escaped text, exact spans."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import make_article
from tests.web_support import marked_text

from storyline.cli import cli
from storyline.models import Removal
from storyline.web.app import safe_upload_path
from storyline.web.markup import Mark, mark_up
from storyline.web.views import place_removals


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.balanced = [], [], True

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        self.balanced &= bool(self.stack) and self.stack.pop() == tag

    def handle_data(self, data):
        self.text.append(data)


def _check(html: str) -> tuple[str, bool]:
    checker = _Checker()
    checker.feed(html)
    return "".join(checker.text), checker.balanced and not checker.stack


def test_nested_and_crossing_marks_stay_well_formed():
    text = "Halder said the treaty was fair."
    marks = [
        Mark(start=0, end=13, tag="mark", cls="hl"),
        Mark(start=0, end=6, tag="a", cls="ent", attrs=(("href", "/entities/e1"),)),
        Mark(start=7, end=31, tag="span", cls="quote"),
    ]
    html = mark_up(text, marks)
    assert _check(html) == (text, True)
    assert marked_text(html, "hl") == text[0:13]
    assert marked_text(html, "quote") == text[7:31]
    assert html.count('id="') == 0 and html.startswith('<mark class="hl"><a class="ent"')


def test_text_and_attributes_are_escaped():
    text = '<script>alert(1)</script> "x" & y'
    html = mark_up(
        text,
        [Mark(start=0, end=8, tag="span", cls="q", attrs=(("title", '"><img src=x onerror=alert(2)>'),))],
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'title="&#34;&gt;&lt;img src=x onerror=alert(2)&gt;"' in html
    assert _check(html)[0] == text


def test_unknown_tags_and_attributes_are_refused():
    with pytest.raises(ValueError):
        mark_up("abc", [Mark(start=0, end=1, tag="script", cls="x")])
    with pytest.raises(ValueError):
        mark_up("abc", [Mark(start=0, end=1, tag="span", cls="x", attrs=(("onclick", "x"),))])


_spans = st.tuples(st.integers(0, 60), st.integers(1, 30), st.sampled_from(["span", "mark", "a"]))


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=60), st.lists(_spans, max_size=8))
def test_any_marks_keep_the_text_and_the_nesting(text, spans):
    marks = [Mark(start=s, end=s + n, tag=tag, cls=f"m{i}") for i, (s, n, tag) in enumerate(spans)]
    html = mark_up(text, marks)
    recovered, balanced = _check(html)
    assert balanced and recovered == text
    for i, mark in enumerate(marks):
        if mark.end <= len(text):
            assert marked_text(html, f"m{i}") == text[mark.start : mark.end]


def test_removed_lines_are_placed_between_paragraphs():
    article = make_article(
        "First paragraph of the story.\n\nSecond paragraph here.",
        removed=(
            Removal(text="MASTHEAD", reason="masthead", start=0, end=8),
            Removal(text="Photo: someone", reason="photo caption or credit", start=40, end=54),
            Removal(text="Share this", reason="navigation or interface text"),
        ),
    )
    placed = dict((index, offset) for offset, index in place_removals(article))
    assert placed[0] == 0
    assert placed[1] == article.text.index("Second")
    assert placed[2] == len(article.text)


@pytest.mark.parametrize(
    "name,ok",
    [
        ("story.txt", True),
        ("../../x.txt", True),
        ("..\\..\\x.html", True),
        ("/etc/passwd", False),
        (".txt", False),
        ("a.exe", False),
        ("", False),
        ("née.jsonl", True),
    ],
)
def test_safe_upload_path_stays_inside(tmp_path, name, ok):
    path = safe_upload_path(tmp_path / "up", name, 3)
    assert (path is not None) == ok
    if path is not None:
        assert path.parent == (tmp_path / "up").resolve() and path.name.startswith("003-")


def test_serve_off_loopback_needs_a_token(monkeypatch):
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--db", "x.db"])
    assert result.exit_code == 2 and "--token" in result.output
