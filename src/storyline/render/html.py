"""The briefing as one self-contained HTML page; all article content is escaped."""

from __future__ import annotations

from collections import defaultdict

from jinja2 import Environment, PackageLoader, select_autoescape

from storyline.ingest.remote import shown_message, shown_source
from storyline.models import Briefing
from storyline.render.markdown import (
    article_labels,
    date_note,
    describe_article,
    inferred_label,
    quote_words,
    shown_in_quote_marks,
    tally,
)

_env = Environment(
    loader=PackageLoader("storyline", "render/templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals.update(shown_source=shown_source, shown_message=shown_message)


def render_html(briefing: Briefing) -> str:
    labels = article_labels(briefing)
    event_of = {aid: e.id for e in briefing.events for aid in e.article_ids}
    quotes = defaultdict(list)
    for q in briefing.quotes:
        quotes[event_of.get(q.article_id)].append(q)
    return _env.get_template("briefing.html").render(
        briefing=briefing,
        labels=labels,
        tally=tally(briefing),
        quotes=quotes,
        describe=describe_article,
        by_id={a.id: a for a in briefing.articles},
        events_by_id={e.id: e for e in briefing.events},
        inferred={i.article_id: i for i in briefing.inferred_dates},
        inferred_label=inferred_label,
        date_note=date_note,
        quote_words=quote_words,
        shown_in_quote_marks=shown_in_quote_marks,
        copy_of={d.article_id: d.duplicate_of for d in briefing.duplicates},
    )
