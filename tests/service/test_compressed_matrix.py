"""The compare matrix, negotiated on Accept-Encoding: gzip when the client accepts it.

The compressed copy is made by the write that renders the matrix, so these tests hold it
to the text answer after a load, after writes that re-render or drop it, and after the
migration that adds it to a registry already rendered.
"""

from __future__ import annotations

import gzip
import json

import pytest
from alembic import command
from sqlalchemy import Engine, select, text

from pactwatch import verbs
from pactwatch.store import open_engine, summary
from pactwatch.store.migrate import alembic_config, migrate
from tests.service.conftest import DATA, Service, make_service
from tests.service.test_api_write import patriot, read, token
from tests.service.test_summary_writes import _edit

URL = "/api/v1/compare"


def _raw(service: Service, accept: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the body as sent (the test client would decode it otherwise)."""
    with service.client.stream("GET", URL, headers={"Accept-Encoding": accept, **headers}) as r:
        return r.status_code, dict(r.headers), b"".join(r.iter_raw())


def _plain_and_packed(service: Service) -> tuple[bytes, bytes]:
    status, headers, plain = _raw(service, "identity")
    assert status == 200 and "content-encoding" not in headers, headers
    status, headers, packed = _raw(service, "gzip")
    assert status == 200 and headers.get("content-encoding") == "gzip", headers
    return plain, packed


def _rendered_from_cells(service: Service) -> bytes:
    engine = open_engine(service.url)
    try:
        with engine.connect() as connection:
            return summary.matrix_body(connection).encode()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("accept", "compressed"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("GZip;Q=0.4", True),
        ("x-gzip", True),
        ("*", True),
        ("*;q=0, gzip;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip;q=0, *", False),
        ("gzip;q=abc", False),
        ("br, deflate", False),
        ("identity", False),
        ("", False),
    ],
)
def test_gzip_only_where_accept_encoding_allows_it(
    api: Service, accept: str, compressed: bool
) -> None:
    status, headers, body = _raw(api, accept)
    assert status == 200
    assert headers.get("vary") == "Accept-Encoding"
    assert (headers.get("content-encoding") == "gzip") is compressed, headers
    text = gzip.decompress(body) if compressed else body
    assert json.loads(text)["cells"], "the matrix itself, either way"


def test_each_coding_is_its_own_representation(api: Service) -> None:
    _, plain_headers, plain = _raw(api, "identity")
    _, packed_headers, packed = _raw(api, "gzip")
    assert gzip.decompress(packed) == plain
    assert len(packed) * 4 < len(plain), (len(packed), len(plain))
    assert plain_headers["etag"] != packed_headers["etag"]
    for accept, tag, expected in (
        ("gzip", packed_headers["etag"], 304),
        ("identity", plain_headers["etag"], 304),
        ("identity", packed_headers["etag"], 200),
        ("gzip", plain_headers["etag"], 200),
    ):
        status, headers, _ = _raw(api, accept, **{"If-None-Match": tag})
        assert status == expected, (accept, tag)
        assert headers.get("vary") == "Accept-Encoding"


def test_the_compressed_copy_follows_every_write(writable: Service) -> None:
    plain, packed = _plain_and_packed(writable)
    assert gzip.decompress(packed) == plain == _rendered_from_cells(writable), "loaded"
    before = plain

    _edit(writable)  # a provision moved to other domains: the rendered matrix is dropped
    plain, packed = _plain_and_packed(writable)
    assert plain != before
    assert gzip.decompress(packed) == plain == _rendered_from_cells(writable), "dropped"

    record, etag = read(writable)  # the whole agreement rewritten: the matrix re-rendered
    record["provisions"] = [p for p in record["provisions"] if p["id"] != patriot(record)["id"]]
    response = writable.client.put(
        "/api/v1/agreements/ua-ro-2024",
        json=record,
        headers={**token(writable, "bo"), "If-Match": etag},
    )
    assert response.status_code == 200, response.text
    plain, packed = _plain_and_packed(writable)
    assert gzip.decompress(packed) == plain == _rendered_from_cells(writable), "re-rendered"
    engine = open_engine(writable.url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                select(summary.summary_documents.c.gzip).where(
                    summary.summary_documents.c.name == summary.MATRIX
                )
            ).scalar_one()
    finally:
        engine.dispose()
    assert stored == packed, "served as the write stored it, not compressed per read"


def test_the_migration_compresses_a_matrix_already_rendered(db_url: str) -> None:
    verbs.load(db_url, [DATA])
    engine = open_engine(db_url)
    documents = summary.summary_documents
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0015-1")
        with engine.begin() as connection:
            migrate(connection)
        with engine.connect() as connection:
            body, packed = connection.execute(
                select(documents.c.body, documents.c.gzip).where(documents.c.name == summary.MATRIX)
            ).one()
    finally:
        engine.dispose()
    assert packed is not None and gzip.decompress(packed) == str(body).encode()
    service = make_service(db_url)
    with service.client:
        plain, served = _plain_and_packed(service)
    service.close()
    assert served == bytes(packed) and gzip.decompress(served) == plain


def _stored_compressed(engine: Engine) -> list[bool]:
    """Whether PostgreSQL keeps each rendered document's text compressed (pglz or lz4)."""
    with engine.connect() as connection:
        return [
            method is not None
            for method in connection.execute(
                text("SELECT pg_column_compression(body) FROM summary_documents")
            ).scalars()
        ]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_keeps_the_matrix_uncompressed_and_migrates_one_that_was(db_url: str) -> None:
    """A read of the matrix without gzip copies the stored text; the server never
    decompresses it per request. A registry from before revision 0017 holds it compressed
    (the default storage of a long text); migrating rewrites it, and it reads the same."""
    verbs.load(db_url, [DATA])
    engine = open_engine(db_url)
    service = make_service(db_url)
    try:
        with service.client:
            before = _plain_and_packed(service)
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0016")
        compressed_before = _stored_compressed(engine)
        with engine.begin() as connection:
            migrate(connection)
        after_migration = _stored_compressed(engine)
        service.close()
        service = make_service(db_url)
        with service.client:
            after = _plain_and_packed(service)
    finally:
        service.close()
        engine.dispose()
    assert compressed_before == [True]
    assert after_migration == [False]
    assert after == before
