"""Timelines: what happened when, each entry dated and cited.

Entry points: `build_timeline` (the dated, cited entries of one event) and `select_entries`
(filtering for `storyline timeline --event`); `corpus.story_timeline` is the story's timeline
across the batch (dates ranked across a whole story, one summary sentence per date) that
`storyline timeline` and the web app show and `storyline eval tls` scores on Timeline17
(`corpus.summarize_timeline`, the same function).

The cascade of an event's timeline: its articles' dates (`storyline.dates`) -> sentences that
state a fact at a date (`entries`) -> entries merged across outlets and sorted.
"""

from storyline.timeline.entries import TIMELINE_VERSION, build_timeline, select_entries

__all__ = ["TIMELINE_VERSION", "build_timeline", "select_entries"]
