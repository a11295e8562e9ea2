"""Renderers of a Briefing: Markdown for the terminal, JSON (the contract), one HTML page."""

from storyline.render.html import render_html
from storyline.render.json import briefing_schema, briefing_to_dict, render_json
from storyline.render.markdown import render_markdown, tally

RENDERERS = {"md": render_markdown, "json": render_json, "html": render_html}

__all__ = [
    "RENDERERS",
    "briefing_schema",
    "briefing_to_dict",
    "render_html",
    "render_json",
    "render_markdown",
    "tally",
]
