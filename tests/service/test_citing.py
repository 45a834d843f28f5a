"""Cite the clause: quoted words read from the source, the clause's numbering, a versioned
permalink, and text, BibTeX and CSL-JSON, on the pages and from the API; an old permalink
still answers after an edit and says what changed since."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pactwatch import verbs
from pactwatch.store import content_hash
from tests.service.conftest import Service
from tests.service.test_api_write import PATRIOT, patriot, read, token

CITE = "/api/v1/agreements/ua-ro-2024/provisions/patriot/cite"


def _span_words(service: Service, seed_text: str) -> str:
    record = verbs.agreement("ua-ro-2024", service.url)
    provision = next(p for p in record.provisions if p.id == "patriot")
    return " … ".join(" ".join(seed_text[s.start : s.end].split()) for s in provision.spans)


def test_provision_citation_quotes_its_words_and_gives_every_format(
    api: Service, seed_text: str
) -> None:
    cite = api.client.get(CITE).json()
    assert cite["quote"] == _span_words(api, seed_text)
    assert re.fullmatch(r"[0-9a-f]{12}", cite["version"]), cite
    link = urlsplit(cite["permalink"])
    assert link.path == f"/agreements/ua-ro-2024/provisions/patriot/v/{cite['version']}"
    assert link.query == f"dataset={cite['dataset']}", link
    assert cite["dataset"] and cite["dataset"] in cite["text"]
    assert f"“{cite['quote']}”" in cite["text"] and cite["permalink"] in cite["text"]
    bib = api.client.get(CITE, params={"format": "bibtex"})
    assert bib.headers["content-type"].startswith("application/x-bibtex")
    assert bib.text.startswith("@misc{pactwatch-ua-ro-2024-patriot-") and bib.text.count(
        "{"
    ) == bib.text.count("}")
    assert (
        f"url = {{{cite['permalink']}}}" in bib.text
        and "author = {{Ukraine} and {Romania}}" in bib.text
    )
    csl = api.client.get(CITE, params={"format": "csl"}).json()
    assert csl[0]["URL"] == cite["permalink"] and csl[0]["version"] == cite["version"]
    assert csl[0]["issued"] == {"date-parts": [[2024, 7, 11]]} and csl[0]["type"] == "treaty"
    assert api.client.get(CITE, params={"format": "text"}).text == cite["text"]
    agreement = api.client.get("/api/v1/agreements/ua-ro-2024/cite").json()
    assert agreement["version"] != cite["version"] and agreement["quote"] is None


def test_pages_show_the_quote_clause_and_cite_block(api: Service, seed_text: str) -> None:
    cite = api.client.get(CITE).json()
    html = api.client.get("/agreements/ua-ro-2024/provisions/patriot").text
    quote = re.search(r"<blockquote[^>]*><p>(.*?)</p></blockquote>", html, re.S)
    assert quote and quote.group(1) == _span_words(api, seed_text), quote
    if cite["clause"]:
        assert f"<dt>Clause</dt><dd>{cite['clause']}" in html
    assert f'class="permalink" href="{cite["permalink"]}"' in html
    assert "@misc{pactwatch-ua-ro-2024-patriot-" in html and "CSL-JSON" in html
    page = api.client.get("/agreements/ua-ro-2024").text
    whole = api.client.get("/api/v1/agreements/ua-ro-2024/cite").json()
    assert f'class="permalink" href="{whole["permalink"]}"' in page
    current = api.client.get(cite["permalink"])
    assert current.status_code == 200 and "permalink to the current version" in current.text
    assert "the registry as it is now" in current.text


def test_an_old_permalink_shows_what_changed_since(writable: Service) -> None:
    before = writable.client.get(CITE).json()
    path = "/agreements/ua-ro-2024/provisions/patriot/v/" + before["version"]
    record, etag = read(writable)
    edited = {**patriot(record), "timing": "by October 2024"}
    auth = {**token(writable, "ana"), "If-Match": etag}
    assert writable.client.put(PATRIOT, json=edited, headers=auth).status_code == 200
    after = writable.client.get(CITE).json()
    assert after["version"] != before["version"]
    old = writable.client.get(path)
    assert old.status_code == 200, old.text[:300]
    assert "This record changed after the version you cited" in old.text
    row = re.search(r"<tr><th scope=\"row\">timing</th><td>(.*?)</td><td>(.*?)</td></tr>", old.text)
    assert row and row.groups() == ("—", "by October 2024"), row
    assert "1 write since" in old.text and "by ana" in old.text
    assert urlsplit(before["permalink"]).path == path
    later = writable.client.get(before["permalink"]).text
    assert f"the registry is now dataset <code>{after['dataset']}</code>" in later
    unknown = writable.client.get("/agreements/ua-ro-2024/provisions/patriot/v/0123456789ab")
    assert unknown.status_code == 200 and "not in the record's history" in unknown.text
    bad = writable.client.get("/agreements/ua-ro-2024/provisions/patriot/v/not-a-version")
    assert bad.status_code == 404 and bad.headers["content-type"].startswith("text/html")


def test_an_old_agreement_permalink_lists_the_changes_since(writable: Service) -> None:
    cited = writable.client.get("/api/v1/agreements/ua-ro-2024/cite").json()
    record, etag = read(writable)
    edited = {**record, "signed_at": "Washington"}
    edited["provisions"] = [
        {**p, "timing": "2024"} if p["id"] == "patriot" else p for p in record["provisions"]
    ]
    auth = {**token(writable, "ben"), "If-Match": etag}
    put = writable.client.put("/api/v1/agreements/ua-ro-2024", json=edited, headers=auth)
    assert put.status_code == 200, put.text
    assert (
        writable.client.get("/api/v1/agreements/ua-ro-2024/cite").json()["version"]
        != (cited["version"])
    )
    old = writable.client.get(urlsplit(cited["permalink"]).path)
    assert old.status_code == 200 and "This record changed after the version you cited" in old.text
    rows = dict(
        re.findall(r'<tr><th scope="row">([^<]+)</th><td>[^<]*</td><td>([^<]*)</td>', old.text)
    )
    assert rows.get("signed_at") == "Washington", rows
    assert "provision patriot" in rows, rows
    assert "1 write since" in old.text and "by ben" in old.text


def test_an_agreement_permalink_cited_before_revision_0010_still_resolves(api: Service) -> None:
    """The agreement's version is now a hash of its parts; a permalink carrying the version
    as defined before (the sha256 of the whole sorted-key record) names the same content."""
    cited = api.client.get("/api/v1/agreements/ua-ro-2024/cite").json()
    record = verbs.agreement("ua-ro-2024", api.url).model_dump(mode="json")
    legacy = content_hash.legacy_version(record)
    assert cited["version"] == content_hash.version_of_record(record) != legacy
    path = urlsplit(cited["permalink"]).path
    then = api.client.get(path.replace(cited["version"], legacy))
    assert then.status_code == 200
    assert "You followed a permalink to the current version" in then.text
    unknown = api.client.get(path.replace(cited["version"], "0123456789ab"))
    assert "This version is not in the record&#39;s history" in unknown.text or (
        "This version is not in the record's history" in unknown.text
    )
