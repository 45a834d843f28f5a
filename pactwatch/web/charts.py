"""Charts as declared Vega-Lite specs, rendered to SVG on the server by vl-convert.

The same spec that draws a chart on a page can be saved as a file (`/charts/NAME.vl.json`
and `/charts/NAME.svg`), and nothing runs in the reader's browser. Rendering is cached by
the spec's text: a chart is drawn once per change of its data.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import date
from functools import lru_cache
from typing import Any

import vl_convert

from pactwatch.model import Agreement, Event
from pactwatch.rules import Obligation

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
_lock = threading.Lock()
Spec = dict[str, Any]


_LOADER_BASE = re.compile(r'xlink:href="https?://[^"]*?/vega-datasets/+')


@lru_cache(maxsize=256)
def _render(spec_text: str) -> str:
    """Render with no network access; links stay on this site.

    Vega resolves `href` values against its loader's default base (a public data site);
    our hrefs are site-relative paths, so that base is cut off again.
    """
    with _lock:
        svg_text = str(vl_convert.vegalite_to_svg(json.loads(spec_text), allowed_base_urls=[]))
    return _LOADER_BASE.sub('xlink:href="/', svg_text)


def svg(spec: Spec) -> str:
    """The chart as an SVG document (no scripts, no external fonts or links but our own)."""
    return _render(json.dumps(spec, sort_keys=True))


def _base(title: str, width: int | dict[str, int], height: int | dict[str, int]) -> Spec:
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": width,
        "height": height,
        "config": {"font": "sans-serif", "view": {"stroke": None}},
    }


def timeline(rows: list[dict[str, Any]]) -> Spec:
    """Agreements by signing date, one point per partner, provisions coded as size."""
    values = [
        {
            "partner": ", ".join(p["name"] for p in r["partners"]) or r["id"],
            "signed_on": r["signed_on"],
            "provisions": r["provisions"],
            "url": f"/agreements/{r['id']}",
        }
        for r in rows
        if r["signed_on"]
    ]
    return {
        **_base("Signed agreements", 640, {"step": 14}),
        "data": {"values": values},
        "mark": {"type": "circle", "opacity": 0.85},
        "encoding": {
            "x": {"field": "signed_on", "type": "temporal", "title": "signed"},
            "y": {"field": "partner", "type": "nominal", "sort": None, "title": None},
            "size": {
                "field": "provisions",
                "type": "quantitative",
                "title": "coded provisions",
                "scale": {"range": [40, 400], "zero": False},
            },
            "href": {"field": "url"},
        },
    }


def heatmap(view: dict[str, Any]) -> Spec:
    """Partners x domains, each cell's colour its provision count, each cell a link."""
    names = {p["code"]: p["name"] for p in view["partners"]}
    labels = {d["id"]: d["label"] for d in view["domains"]}
    values = [
        {
            "partner": names.get(c["partner"], c["partner"]),
            "domain": labels.get(c["domain"], c["domain"]),
            "count": c["count"],
            "url": f"/search?partner={c['partner']}&domain={c['domain']}",
        }
        for c in view["cells"]
    ]
    return {
        **_base("Provisions by partner and domain", {"step": 18}, {"step": 18}),
        "data": {"values": values},
        "mark": "rect",
        "encoding": {
            "x": {"field": "domain", "type": "nominal", "title": None},
            "y": {"field": "partner", "type": "nominal", "title": None},
            "color": {"field": "count", "type": "quantitative", "scale": {"scheme": "blues"}},
            "href": {"field": "url"},
        },
    }


def term(agreement: Agreement, today: date) -> Spec | None:
    """The term as a bar from signing to end, with today marked; None without dates."""
    start = agreement.signed_on
    end = agreement.term_end()
    if start is None or end is None:
        return None
    return {
        **_base("Term", 600, 40),
        "layer": [
            {
                "data": {"values": [{"from": start.isoformat(), "to": end.isoformat()}]},
                "mark": {"type": "bar", "color": "#4a78a8", "height": 18},
                "encoding": {
                    "x": {"field": "from", "type": "temporal", "title": None},
                    "x2": {"field": "to"},
                },
            },
            {
                "data": {"values": [{"today": today.isoformat()}]},
                "mark": {"type": "rule", "color": "#c0392b", "strokeWidth": 3},
                "encoding": {"x": {"field": "today", "type": "temporal"}},
            },
        ],
    }


LANES = ["agreement", "strategic dialogue", "consultation", "events"]


def _lane(kind: str) -> str:
    return {"term": "agreement", "recurring": "strategic dialogue"}.get(kind, "consultation")


def agreement_timeline(
    agreement: Agreement, obligations: list[Obligation], events: list[Event], today: date
) -> Spec | None:
    """One agreement's dates on one axis: signing and term end, every dialogue's due date,
    every consultation deadline and the events bearing on it, with today marked.

    Marks are coloured by what they are, not by state, so the chart depends on the data
    and the day only (states, which change by the hour, are on /due). An event known only
    to the week, month or year is drawn as a bar over that span, never as a point on a day.
    """
    points: list[dict[str, str]] = []
    if agreement.signed_on is not None:
        page = f"/agreements/{agreement.id}"
        points.append(_point(agreement.signed_on.isoformat(), "agreement", "signed", page))
    base = f"/agreements/{agreement.id}/provisions/"
    points += [
        _point(
            o.due_at.date().isoformat(),
            _lane(o.kind),
            "term ends" if o.kind == "term" else f"{o.mechanism} due",
            base + o.provision if o.provision else "/due",
        )
        for o in obligations
    ]
    exact = [e for e in events if e.date_precision in ("instant", "day")]
    points += [
        _point(e.earliest().date().isoformat(), "events", _what(e), f"/api/v1/events/{e.id}")
        for e in exact
    ]
    spans = [
        {
            **_point(e.earliest().date().isoformat(), "events", _what(e), f"/api/v1/events/{e.id}"),
            "until": e.latest().date().isoformat(),
            "when": e.when(),
        }
        for e in events
        if e not in exact
    ]
    if agreement.signed_on is None or len(points) + len(spans) < 2:
        return None
    rule = {"today": today.isoformat()}
    layers: list[Spec] = []
    if spans:
        layers.append(
            {
                "data": {"values": spans},
                "mark": {"type": "rule", "strokeWidth": 8, "opacity": 0.85},
                "encoding": {
                    "x": {"field": "on", "type": "temporal", "title": None},
                    "x2": {"field": "until"},
                    "y": {"field": "lane", "type": "nominal", "sort": LANES, "title": None},
                    "color": {"field": "what", "type": "nominal", "title": None},
                    "href": {"field": "url"},
                    "tooltip": [{"field": "what"}, {"field": "when", "title": "known to"}],
                },
            }
        )
    return {
        **_base("Timeline", 600, {"step": 28}),
        "layer": [
            {
                "data": {"values": points},
                "mark": {"type": "point", "filled": True, "size": 90, "opacity": 0.85},
                "encoding": {
                    "x": {"field": "on", "type": "temporal", "title": None},
                    "y": {"field": "lane", "type": "nominal", "sort": LANES, "title": None},
                    "color": {"field": "what", "type": "nominal", "title": None},
                    "href": {"field": "url"},
                },
            },
            {
                "data": {"values": [rule]},
                "mark": {"type": "rule", "color": "#c0392b", "strokeWidth": 2},
                "encoding": {"x": {"field": "today", "type": "temporal"}},
            },
            *layers,
        ],
    }


def _what(event: Event) -> str:
    """An event's legend entry: its kind, marked when it is only background."""
    return f"{event.kind} (background)" if event.background else event.kind


def _point(on: str, lane: str, what: str, url: str) -> dict[str, str]:
    return {"on": on, "lane": lane, "what": what, "url": url}


def marks(spec: Spec) -> list[dict[str, str]]:
    """The chart's marks as rows (date, lane, what, link), in date order: the text
    equivalent a page shows beside a chart, with the same links as its points."""
    layers = spec.get("layer", [spec])
    rows = [
        {**row, "until": row.get("until", ""), "when": row.get("when", row["on"])}
        for layer in layers
        for row in layer.get("data", {}).get("values", [])
        if "what" in row and "on" in row
    ]
    return sorted(
        rows, key=lambda r: (r["on"], LANES.index(r["lane"]) if r["lane"] in LANES else 9)
    )
