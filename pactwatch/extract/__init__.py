"""Extract: from an agreement text or news report to a draft Agreement, with reasons."""

from pactwatch.extract.extractor import draft, extract
from pactwatch.extract.lexicon import load_lexicon

__all__ = ["draft", "extract", "load_lexicon"]
