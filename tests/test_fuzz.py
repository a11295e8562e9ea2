"""A short run of each fuzz target (fuzz/run.py runs them for minutes), plus the inputs that
fuzzing once found crashing, kept as regressions."""

from __future__ import annotations

import pytest
from fuzz.strategies import strategy_for
from fuzz.targets import TARGETS, run_bounded, sample_warc
from hypothesis import HealthCheck, given, settings

EXAMPLES = {"html": 120, "text": 300, "jsonl": 200, "plain_file": 200, "warc": 200, "feed": 200}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fuzz_target_survives_a_short_run(name):
    @settings(
        max_examples=EXAMPLES[name], deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(strategy_for(name, sample_warc()))
    def run(data: bytes) -> None:
        run_bounded(TARGETS[name], data)

    run()


@pytest.mark.parametrize(
    "data",
    [
        b"",  # feedparser: no 'version'
        b'<rss version="2.0"><channel><item><link>http://[::1/x</link></item></channel></rss>',
    ],
)
def test_feed_inputs_that_once_crashed(data):
    run_bounded(TARGETS["feed"], data)


def test_the_warc_seed_is_a_valid_archive():
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from storyline.ingest.warc import iter_warc

    with TemporaryDirectory() as folder:
        path = Path(folder) / "seed.warc"
        path.write_bytes(sample_warc())
        documents = list(iter_warc(path))
    assert [d.url for d in documents] == ["https://news.example.com/0", "https://news.example.com/1"]
