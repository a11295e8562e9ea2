"""The command line: one thin command per verb over the Python API (`storyline --help`).

`commands` holds the corpus commands, `evaluation` the `train` and `eval` groups, `options`
what they share."""

from __future__ import annotations

import signal
import sys

from storyline.cli import evaluation  # noqa: F401  (registers `train` and `eval` on `cli`)
from storyline.cli.commands import cli


def main() -> None:
    # SIGTERM unwinds like Ctrl-C, so a run stops its parse workers and closes its store
    # (by default Python dies at once and leaves the workers behind).
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    cli(prog_name="storyline")


def _exit_on_sigterm(signum: int, frame: object) -> None:
    sys.exit(128 + signum)


__all__ = ["cli", "main"]
