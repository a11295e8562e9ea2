"""The command line: one thin command per verb over the Python API (`storyline --help`).

`commands` holds the corpus commands, `evaluation` the `train` and `eval` groups, `options`
what they share."""

from __future__ import annotations

from storyline.cli import evaluation  # noqa: F401  (registers `train` and `eval` on `cli`)
from storyline.cli.commands import cli


def main() -> None:
    cli(prog_name="storyline")


__all__ = ["cli", "main"]
