"""Web pages for people: server-rendered, accessible, working without JavaScript."""

from pactwatch.web.app import create_app

__all__ = ["create_app"]
