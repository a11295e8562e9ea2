"""The web app (`storyline serve`): pages and their JSON twins over the store."""

from storyline.web.app import create_app

__all__ = ["create_app"]
