"""Jinja2 with autoescaping on for every template, and the helpers pages share."""

from __future__ import annotations

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
    env.globals["inline_svg"] = lambda text: Markup(text)  # our own rendered charts only
    return env


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
