"""storyline: turn news coverage from many outlets into a briefing a person can trust.

>>> import storyline
>>> briefing = storyline.brief(["examples/sample"], manifest="examples/sample/manifest.jsonl")
>>> print(storyline.render_markdown(briefing))
"""

from storyline.errors import (
    ConfigError,
    ExtractionError,
    FetchError,
    InputError,
    MissingDependency,
    StageError,
    StoreError,
    StorylineError,
)
from storyline.models import (
    Article,
    Briefing,
    ClaimGroup,
    Entity,
    Event,
    Failure,
    Quote,
    Span,
    Story,
    TimelineEntry,
)
from storyline.pipeline import brief, build_briefing, ingest
from storyline.render import (
    briefing_schema,
    briefing_to_dict,
    render_html,
    render_json,
    render_markdown,
)
from storyline.store import Store

__all__ = [
    "Article",
    "Briefing",
    "ClaimGroup",
    "ConfigError",
    "Entity",
    "Event",
    "ExtractionError",
    "Failure",
    "FetchError",
    "InputError",
    "MissingDependency",
    "Quote",
    "Span",
    "StageError",
    "Store",
    "StoreError",
    "Story",
    "StorylineError",
    "TimelineEntry",
    "brief",
    "briefing_schema",
    "briefing_to_dict",
    "build_briefing",
    "ingest",
    "render_html",
    "render_json",
    "render_markdown",
]
