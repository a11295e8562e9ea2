"""storyline's exceptions.

    StorylineError
    ├── InputError          an input file, line or manifest entry cannot be read
    ├── FetchError          a URL cannot be fetched (carries `transient` and `retry_after`)
    ├── ExtractionError     a document holds no article text
    ├── StoreError          the SQLite store is unusable (wrong schema, corrupt, locked)
    ├── ConfigError         a setting has an invalid value
    ├── MissingDependency   a model or optional package is not installed
    └── StageError          one stage failed on one item (carries `stage` and `item_id`)

Messages say what happened, the offending value, and how to fix it.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base class of every error storyline raises on purpose."""


class InputError(StorylineError):
    pass


class FetchError(StorylineError):
    """A URL that cannot be fetched; the message says why, for the user. `transient` failures
    (a timeout, a 503) are worth retrying, after `retry_after` seconds when the server said."""

    def __init__(self, message: str, *, transient: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


class ExtractionError(StorylineError):
    pass


class StoreError(StorylineError):
    pass


class ConfigError(StorylineError):
    pass


class MissingDependency(StorylineError):
    pass


class StageError(StorylineError):
    def __init__(self, message: str, *, stage: str, item_id: str | None = None) -> None:
        super().__init__(message)
        self.stage = stage
        self.item_id = item_id
