"""Evaluation harnesses that score storyline on public labelled data beside a peer tool."""
