"""`storyline train` and `storyline eval`: the shipped models and the scores on labelled data."""

from __future__ import annotations

import json
from collections.abc import Callable

import click

from storyline.cli.commands import cli
from storyline.cli.options import common_options, fail, figures_json, finite, setup_logging, write
from storyline.errors import InputError, StorylineError


@cli.group(name="train")
def train_group() -> None:
    """Train the models storyline ships, from labelled data.

    Example: storyline train quotes ../shared/data/polnear
    """


@train_group.command(name="quotes")
@click.argument("data_dir", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Write the model here instead of into the package.",
)
@common_options
def train_quotes_command(data_dir, out_dir, quiet, verbose, debug) -> None:
    """Train the quote attribution tagger on PolNeAR's train split (seeded; about an hour on 2 cores).

    Example: storyline train quotes ../shared/data/polnear
    """
    from storyline.training.quotes import train_quotes

    setup_logging(verbose)
    try:
        record = train_quotes(data_dir, out_dir)
    except StorylineError as e:
        fail(e, debug)
    write(json.dumps({k: v for k, v in record.items() if k != "cue_rate"}, indent=2), None)


@cli.group(name="eval")
def eval_group() -> None:
    """Score storyline on labelled data, beside a peer tool, in one run.

    Example: storyline eval quotes ../shared/data/polnear --split dev
    """


def _report_evaluation(
    evaluate: Callable[[], dict], render: Callable[[dict], str], fmt: str, debug: bool
) -> None:
    """Run one evaluation and print its table (md) or its figures (json)."""
    try:
        result = evaluate()
    except StorylineError as e:
        fail(e, debug)
    write(figures_json(result) if fmt == "json" else render(result), None)


@eval_group.command(name="quotes")
@click.argument("data_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--split", default="dev", show_default=True, help="PolNeAR split: train or dev.")
@click.option("--limit", type=int, help="Only the first N documents.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@common_options
def eval_quotes(data_dir, split, limit, fmt, quiet, verbose, debug) -> None:
    """Quote attribution on PolNeAR: content, source and cue P/R/F1, storyline beside textacy
    and beside two PolNeAR annotators scored against each other.

    Example: storyline eval quotes ../shared/data/polnear --split dev
    """
    from storyline.evaluate.quotes import evaluate_quotes, render_table

    setup_logging(verbose)
    _report_evaluation(lambda: evaluate_quotes(data_dir, split=split, limit=limit), render_table, fmt, debug)


@eval_group.command(name="trust")
@click.argument("data_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--size", type=int, help="Articles per batch (default: 30, with --audit 20).")
@click.option(
    "--audit",
    is_flag=True,
    help="Brief the audit batches (a second window of each story) and score every shown line "
    "against the judgments: precision and coverage per kind.",
)
@click.option(
    "--judgments",
    type=click.Path(file_okay=False, exists=True),
    help="With --audit: the folder of judgment files (default: the bundled storyline/data/audit).",
)
@click.option(
    "--unjudged",
    is_flag=True,
    help="With --audit: also list each unjudged item, its context and a stub to judge.",
)
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@common_options
def eval_trust(data_dir, size, audit, judgments, unjudged, fmt, quiet, verbose, debug) -> None:
    """Brief batches of real multi-outlet coverage (Timeline17: each story's busiest three
    days, its outlets together) and count what no briefing may show: bare-pronoun speakers,
    negated cues, single-outlet consensus, clock times read as years, summary and timeline
    lines that are not whole sentences; and the share of articles left alone in an event.

    With --audit, brief the audit batches instead and score each shown quote, timeline entry,
    conflict, consensus and summary line against the judgments (docs/evaluation.md).

    Example: storyline eval trust ../shared/data/timeline17 --audit --unjudged
    """
    setup_logging(verbose)
    if (judgments or unjudged) and not audit:
        fail(InputError("--judgments and --unjudged go with --audit"), debug)
    if audit:
        from storyline.evaluate import audit as audit_eval

        _report_evaluation(
            lambda: audit_eval.evaluate_audit(
                data_dir, judgments_dir=judgments, size=size or 20, unjudged=unjudged
            ),
            audit_eval.render_table,
            fmt,
            debug,
        )
        return
    from storyline.evaluate.trust import evaluate_trust, render_table

    _report_evaluation(lambda: evaluate_trust(data_dir, size=size or 30), render_table, fmt, debug)


@eval_group.command(name="extraction")
@click.argument("data_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--limit", type=int, help="Only the first N pages.")
@click.option("--peer", "peers", multiple=True, help="Only these peers (repeatable); default: all installed.")
@click.option(
    "--folds",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Page folds of the cross-validated fallback ratio (1: none).",
)
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@common_options
def eval_extraction(data_dir, limit, peers, folds, fmt, quiet, verbose, debug) -> None:
    """Main-text extraction on the article-extraction benchmark: storyline beside its peers,
    and storyline with its fallback ratio chosen under page-fold cross-validation.

    Example: storyline eval extraction ../shared/data/extraction
    """
    from storyline.evaluate.extraction import PEERS, evaluate_extraction, render_table

    setup_logging(verbose)
    unknown = sorted(set(peers) - set(PEERS))
    if unknown:
        fail(InputError(f"unknown peer {', '.join(unknown)}; choose from {', '.join(PEERS)}"), debug)
    _report_evaluation(
        lambda: evaluate_extraction(data_dir, limit=limit, peers=list(peers) or None, folds=folds),
        render_table,
        fmt,
        debug,
    )


@eval_group.command(name="timex")
@click.argument("data_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--limit", type=int, help="Only the first N documents.")
@click.option(
    "--folds",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Document folds of the cross-validated figure (1: none).",
)
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@common_options
def eval_timex(data_dir, limit, folds, fmt, quiet, verbose, debug) -> None:
    """Temporal expressions on TimeBank: TempEval-3 span and value scores, storyline beside
    dateparser; storyline's shipped settings on the whole set, and its settings chosen under
    document-fold cross-validation.

    Example: storyline eval timex ../shared/data/timebank --folds 5
    """
    from storyline.evaluate.timex import evaluate_timex, render_table

    setup_logging(verbose)
    _report_evaluation(lambda: evaluate_timex(data_dir, limit=limit, folds=folds), render_table, fmt, debug)


@eval_group.command(name="tls")
@click.argument("data_dir", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--topics",
    "topics",
    multiple=True,
    metavar="NAME",
    help="Only this topic folder (repeatable); default: all.",
)
@click.option(
    "--rouge",
    type=click.Choice(["perl", "python"]),
    default="perl",
    show_default=True,
    help="ROUGE-1.5.5 as the papers run it, or tilse's faster Python approximation.",
)
@click.option(
    "--no-span", is_flag=True, help="Do not bound days and articles by the reference's first and last date."
)
@click.option(
    "--cv",
    is_flag=True,
    help="Also choose the timeline settings by leave-one-topic-out cross-validation and print the "
    "held-out figures beside the development ones (needs two topics or more).",
)
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@common_options
def eval_tls(data_dir, topics, rouge, no_span, cv, fmt, quiet, verbose, debug) -> None:
    """Timeline summarization on Timeline17: date F1 and alignment-based ROUGE-1/2 F as
    news-tls scores them (every reference timeline of a topic, averaged), storyline beside a
    first-mentions baseline and DATEWISE; with --cv, the cross-validated figures too.

    Example: storyline eval tls ../shared/data/timeline17 --cv --rouge python
    """
    from storyline.evaluate.tls import evaluate_tls, evaluate_tls_cv, render_table

    setup_logging(verbose)
    evaluate = evaluate_tls_cv if cv else evaluate_tls
    _report_evaluation(
        lambda: evaluate(data_dir, topics=topics, rouge=rouge, bounded=not no_span),
        render_table,
        fmt,
        debug,
    )


@eval_group.command(name="dating")
@click.argument("data_dir", type=click.Path(file_okay=False, exists=True))
@click.option(
    "--topics",
    "topics",
    multiple=True,
    metavar="NAME",
    help="Only this topic folder (repeatable); default: all.",
)
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(file_okay=False, exists=True),
    help="Also date these articles with nothing known (a folder with manifest.jsonl).",
)
@common_options
def eval_dating(data_dir, topics, seeds_dir, quiet, verbose, debug) -> None:
    """Dates of undated articles on Timeline17, each article's date hidden in turn: how often
    the inferred interval holds the true date, and how wide it is (JSON).

    Example: storyline eval dating ../shared/data/timeline17 --seeds ../shared/seeds
    """
    from storyline.evaluate.dating import evaluate_dating

    setup_logging(verbose)
    try:
        result = evaluate_dating(data_dir, topics=topics, seeds_dir=seeds_dir)
    except StorylineError as e:
        fail(e, debug)
    write(json.dumps(finite(result), indent=2, default=str, allow_nan=False), None)
