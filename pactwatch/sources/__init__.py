"""Sources: read, decode and fingerprint the documents records are coded from."""

from pactwatch.sources.library import SourceLibrary, sha256_hex

__all__ = ["SourceLibrary", "sha256_hex"]
