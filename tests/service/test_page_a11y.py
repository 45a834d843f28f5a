"""What keyboards and screen readers meet on the pages, checked in the HTML itself.

(The browser tests run axe-core on every page at desktop and phone widths; these pin the
pieces that make it pass, so a template change that undoes one fails here first.)
"""

from __future__ import annotations

import re

import pytest

from pactwatch.web.contrast import ratio, shade
from pactwatch.web.render import inline_svg
from tests.service.conftest import Service


@pytest.mark.parametrize("share", [i / 40 for i in range(41)])
def test_every_grid_shade_keeps_its_number_readable(share: float) -> None:
    cell = shade(share)
    assert cell.contrast >= 4.5, (share, cell)
    rgb = tuple(int(cell.background[i : i + 2], 16) for i in (1, 3, 5))
    ink = tuple(int(cell.ink[i : i + 2], 16) for i in (1, 3, 5))
    assert ratio(ink, rgb) == pytest.approx(cell.contrast)  # type: ignore[arg-type]


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


def test_inline_charts_are_pictures_without_tab_stops() -> None:
    svg = '<svg class="marks"><a xlink:href="/x"><path/></a><g><a xlink:href="/y"></a></g></svg>'
    out = str(inline_svg(svg))
    assert out.startswith('<svg aria-hidden="true" focusable="false"')
    assert out.count('<a tabindex="-1"') == 2 and "<a " not in out.replace('<a tabindex="-1"', "")


def test_chart_links_are_out_of_the_tab_order_and_have_a_text_equivalent(api: Service) -> None:
    for path, equivalent in (("/", 'id="registry"'), ("/compare", 'id="grid"')):
        html = api.client.get(path).text
        svg = html[html.index("<svg") : html.index("</svg>")]
        assert svg.startswith('<svg aria-hidden="true"'), path
        assert len(re.findall(r"<a\b", svg)) == svg.count('<a tabindex="-1"') > 0, path
        assert equivalent in html and f'href="#{equivalent[4:-1]}"' in html, path
    html = api.client.get("/agreements/ua-ro-2024").text
    if "<svg" in html:
        assert "The timeline as a table" in html or "Term: from signing" in html


def test_scrollable_regions_are_reachable_and_labelled(api: Service) -> None:
    pages = {"/agreements/ua-ro-2024": 'id="source-text"', "/compare": 'id="grid"'}
    for path, region in pages.items():
        html = api.client.get(path).text
        tag = re.search(rf"<div[^>]*{region}[^>]*>", html)
        assert tag, path
        assert 'tabindex="0"' in tag.group(0) and 'role="region"' in tag.group(0), tag
        assert re.search(r'aria-label="[^"]+"', tag.group(0)), tag


def test_the_source_pane_is_opaque_and_stacks_on_small_screens(api: Service) -> None:
    css = api.client.get("/static/site.css").text
    rule = re.search(r"\.source \.text \{([^}]*)\}", css)
    assert rule and "background: #fff" in rule.group(1) and "sticky" in rule.group(1)
    small = css[css.index("@media (max-width: 900px)") :]
    assert "grid-template-columns: 1fr" in small and "position: static" in small
