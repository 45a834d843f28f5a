"""Jinja2 with autoescaping on for every template, and the helpers pages share."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pactwatch.api.config import ServiceConfig
from pactwatch.api.http import conditional
from pactwatch.model.codes import party_name
from pactwatch.model.taxonomy import domains
from pactwatch.web.versions import shown

TEMPLATES = Path(__file__).resolve().parent / "templates"
HTML = "text/html; charset=utf-8"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    labels = {d.id: d.label for d in domains()}
    env.filters["party"] = party_name
    env.filters["domain_label"] = lambda d: labels.get(d, d)
    env.tests["web_url"] = lambda url: str(url).lower().startswith(("https://", "http://"))
    env.globals["inline_svg"] = inline_svg
    env.globals["shown"] = shown
    return env


_SVG_ROOT = re.compile(r"^<svg\b")
_LINK = re.compile(r"<a\b")


def inline_svg(text: str) -> Markup:
    """One of our own rendered charts, placed in a page as a picture.

    Vega makes every linked mark a link and labels each for screen readers, so a chart of
    29 points would be 29 tab stops ahead of the page's content. On a page the chart is a
    picture for the eye (hidden from the accessibility tree, its links out of the tab
    order but still clickable); every figure carries a text equivalent next to it with the
    same links: a table or a list a keyboard and a screen reader can use.
    """
    svg = _SVG_ROOT.sub('<svg aria-hidden="true" focusable="false"', text, count=1)
    return Markup(_LINK.sub('<a tabindex="-1"', svg))


def render(template: str, **context: Any) -> bytes:
    return environment().get_template(template).render(**context).encode("utf-8")


async def page(
    request: Request,
    cfg: ServiceConfig,
    template: str,
    build: Any,
    vary_today: bool = False,
    vary: str = "",
    depends: frozenset[str] | None = None,
) -> Response:
    """A cached, conditional HTML page: `build()` returns the template's context.

    `vary` names what else the page depends on (the instant a "what is due" page is for);
    `depends` the agreements it reads (none named: the whole registry).
    """

    def produce() -> tuple[bytes, str]:
        return render(template, **build()), HTML

    vary += date.today().isoformat() if vary_today else ""
    return await conditional(request, cfg, produce, vary=vary, depends=depends)
