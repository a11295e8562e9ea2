"""Bylines from page metadata into author names."""

from __future__ import annotations

import pytest

from storyline.clean.authors import clean_authors


@pytest.mark.parametrize(
    "byline, names",
    [
        ("Sarah E Needleman", ("Sarah E Needleman",)),
        ("By Jane Doe and John Roe", ("Jane Doe", "John Roe")),
        ("Tom Krisher; Ap Auto Writer", ("Tom Krisher",)),
        ("Troy Smith; Troy L Smith; Cleveland com", ("Troy Smith",)),
        ("Mike Wuerthele; Malcolm Owen Monday; November", ("Mike Wuerthele", "Malcolm Owen")),
        ("BY MARY SMITH, Associated Press", ("MARY SMITH", "Associated Press")),
        ("Reuters", ("Reuters",)),
        ("5 Minute Read", ()),
        ("Email the author", ()),
        ("Admin", ()),
        ("Editorial", ()),
        ("News Nation Bureau", ()),
        ("", ()),
        (None, ()),
    ],
)
def test_bylines_keep_people_and_agencies_and_drop_junk(byline, names):
    assert clean_authors(byline) == names
