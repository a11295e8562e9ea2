"""What the commands share: the common options, logging, failing with a clear message, output."""

from __future__ import annotations

import json
import logging
import math
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import click
from tqdm import tqdm

from storyline import pipeline

EXIT_NO_ARTICLES = 1


def progress_for(quiet: bool) -> pipeline.Progress:
    def progress(items: Iterable, label: str, total: int) -> Iterable:
        if quiet or total < 2:
            return items
        return tqdm(
            items,
            desc=label,
            total=total,
            file=sys.stderr,
            leave=False,
            disable=None,
            unit="batch" if label in ("parse", "embed") else "doc",
        )

    return progress


def db_option(func):
    return click.option(
        "--db",
        type=click.Path(dir_okay=False),
        default=None,
        help="SQLite store (default: $STORYLINE_DB or ./storyline.db).",
    )(func)


def common_options(func):
    func = click.option("-q", "--quiet", is_flag=True, help="No progress bars or tally.")(func)
    func = click.option("-v", "--verbose", is_flag=True, help="Log what each stage does.")(func)
    return click.option("--debug", is_flag=True, help="Show tracebacks on errors.")(func)


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("sentence_transformers", "transformers", "httpx", "trafilatura", "htmldate"):
        logging.getLogger(noisy).setLevel(logging.WARNING if verbose else logging.ERROR)


def fail(error: Exception, debug: bool) -> NoReturn:
    if debug:
        raise error
    click.echo(f"error: {error}", err=True)
    sys.exit(EXIT_NO_ARTICLES)


def report_failures(failures) -> None:
    for failure in failures:
        click.echo(f"failed ({failure.stage}): {failure.message}", err=True)


def finite(value):
    """`value` with infinite figures (an open-ended width) as None, so the JSON is strict."""
    if isinstance(value, float) and math.isinf(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def figures_json(result: dict) -> str:
    return json.dumps(finite(result), indent=2, allow_nan=False)


def write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=not text.endswith("\n"))
