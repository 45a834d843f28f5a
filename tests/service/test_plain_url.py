"""A read's URL key and a page's `next` link are what Starlette's URL objects would give,
whatever the request.

`api.plain_url` builds them from the raw query and a kept prefix for plain requests and
hands the rest to Starlette; these compare the two on odd query strings (repeated and
blank parameters, an old cursor, percent-escapes, `+`, raw UTF-8 and control bytes, `#`),
odd hosts (ports, IPv6, none, invalid) and root paths.
"""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from starlette.datastructures import URL

from pactwatch.api.plain_url import next_link, url_key

PLAIN_PARTS = st.sampled_from(
    [
        "domain=air_defence",
        "limit=50",
        "agreement=ua-ro-2024",
        "cursor=WyJhZ3JlZW1lbnQiXQ",
        "cursor=",
        "cursor",
        "q=air+defence",
        "q=air%20defence",
        "q=%E2%82%AC",
        "q=%ZZ",
        "q=%FF%FE",
        "q=a/b?c",
        "a=1=2",
        "",
        "&",
        "x=%26y%3D",
        "q=~!$'()*,;:@",
        "%C3%A9=1",
        "a+b=c",
        "k%3D=v",
        "=blank",
        "cursorx=1",
        "my_cursor=2",
        "v=1.0~a_b-c",
    ]
)
ODD_PARTS = st.sampled_from(["q=é", "q=a b", "q=a#b", "q=\t", "q=[1]", 'q=<"|\\^`{}>'])
QUERIES = st.lists(st.one_of(PLAIN_PARTS, PLAIN_PARTS, PLAIN_PARTS, ODD_PARTS), max_size=6).map(
    lambda parts: "&".join(parts).encode("utf-8")
)
PLAIN_HOSTS = st.sampled_from(
    [b"127.0.0.1:8000", b"example.org", b"example.org:443", b"EX.org:080"]
)
ODD_HOSTS = st.sampled_from(
    [None, b"example.org:99999", b"[::1]:8000", b"[::zz]", b"a b", b"host/path", b"host?x", b""]
)
HOSTS = st.one_of(PLAIN_HOSTS, PLAIN_HOSTS, ODD_HOSTS)
CURSORS = st.text(st.sampled_from("AZaz09-_="), min_size=1, max_size=40)


def scope(query: bytes, host: bytes | None, scheme: str, root: str, path: str) -> dict[str, Any]:
    headers = [(b"accept", b"*/*")] + ([(b"host", host)] if host is not None else [])
    return {
        "type": "http",
        "scheme": scheme,
        "server": ("10.0.0.2", 8443),
        "root_path": root,
        "path": root + path,
        "query_string": query,
        "headers": headers,
    }


@settings(max_examples=400)
@given(
    query=QUERIES,
    host=HOSTS,
    scheme=st.sampled_from(["http", "https"]),
    root=st.sampled_from(["", "", "", "/registry"]),
    path=st.sampled_from(
        ["/api/v1/provisions", "/api/v1/search", "/agreements/ua-ro-2024", "/a//b", "/a?b#c", "/é"]
    ),
    cursor=CURSORS,
)
@example(b"cursor=a&limit=2&cursor=b&limit=3", b"h:1", "http", "", "/api/v1/search", "c")
@example(b"q=%E2%82%AC&q=\xe2\x82\xac", b"localhost", "https", "", "/api/v1/provisions", "c")
def test_key_and_link_are_starlettes(
    query: bytes, host: bytes | None, scheme: str, root: str, path: str, cursor: str
) -> None:
    request = scope(query, host, scheme, root, path)
    expected = str(URL(scope=request).include_query_params(cursor=cursor))
    assert next_link(request, cursor) == expected
    url = URL(scope=request)
    assert url_key(request) == url.path + ("?" + url.query if url.query else "")


def test_hosts_share_no_prefix() -> None:
    """Two hosts in turn each get their own prefix back, not the one kept first."""
    first = next_link(scope(b"limit=2", b"a.example", "http", "", "/api/v1/search"), "c")
    second = next_link(scope(b"limit=2", b"b.example:81", "http", "", "/api/v1/search"), "c")
    assert first == "http://a.example/api/v1/search?limit=2&cursor=c"
    assert second == "http://b.example:81/api/v1/search?limit=2&cursor=c"
