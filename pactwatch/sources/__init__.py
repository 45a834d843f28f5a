"""Sources: read, decode, normalise and fingerprint the documents records are coded from."""

from pactwatch.sources.library import SourceLibrary, sha256_hex
from pactwatch.sources.normalise import match_view
from pactwatch.sources.reading import Document, decode_bytes, read_document

__all__ = [
    "Document",
    "SourceLibrary",
    "decode_bytes",
    "match_view",
    "read_document",
    "sha256_hex",
]
