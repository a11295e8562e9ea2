"""What the commands share: the common options, logging, failing with a clear message, output."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import math
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import click
from tqdm import tqdm

from storyline import pipeline
from storyline.errors import StorylineError

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
    """-q, -v and --debug; an error the command lets through ends in one line (see `fail`)."""

    command = func

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as e:  # a bug or an unforeseen OSError: still one line, unless --debug
            fail(e, kwargs["debug"])

    func = click.option("-q", "--quiet", is_flag=True, help="No progress bars or tally.")(run)
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
    """End the command with `error` as one line on stderr, or with its traceback under --debug."""
    if debug:
        raise error
    message = " ".join(str(error).split()) or type(error).__name__
    if not isinstance(error, StorylineError):  # not foreseen: say what it was, and how to see more
        message = f"{type(error).__name__}: {message} (rerun with --debug for the traceback)"
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_NO_ARTICLES)


class UsageError(click.UsageError):
    """A usage error on one line like every other failure (click's spans four), pointing to --help."""

    def show(self, file=None) -> None:
        where = f" (see `{self.ctx.command_path} --help`)" if self.ctx else ""
        click.echo(f"error: {self.format_message()}{where}", err=True)


@contextlib.contextmanager
def one_line_usage():
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise
    except click.UsageError as e:
        if isinstance(e, UsageError):
            raise
        raise UsageError(e.format_message(), e.ctx) from e


class Group(click.Group):
    """A command group whose usage errors, its own and its commands', take one line."""

    def make_context(self, *args, **kwargs):
        with one_line_usage():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with one_line_usage():
            return super().invoke(ctx)


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


def check_output(output: str | None) -> None:
    """Fail before any work when `-o` names a file that cannot be written: a briefing of a large
    batch takes minutes, and an error found only when it is done would throw it away."""
    if not output:
        return
    path = Path(output)
    folder = path.parent
    if path.is_dir():
        raise StorylineError(f"cannot write {output}: it is a folder; pass -o a file name")
    if not folder.is_dir():
        raise StorylineError(
            f"cannot write {output}: there is no folder {folder}; create it or pass -o elsewhere"
        )
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise StorylineError(
            f"cannot write {output}: permission denied; pass -o a file in a folder you can write"
        )


def write(text: str, output: str | None) -> None:
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as e:
            raise StorylineError(
                f"cannot write {output} ({e.strerror or e}); pass -o a file in a folder you can write"
            ) from e
    else:
        click.echo(text, nl=not text.endswith("\n"))
