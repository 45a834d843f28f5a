"""Store: the registry in SQLite (default) or any SQLAlchemy database."""

from pactwatch.store import events as events  # registers the event tables on the metadata
from pactwatch.store import summary as summary  # and the summary tables
from pactwatch.store.engine import database_url, open_engine
from pactwatch.store.load import LoadReport, load_registry
from pactwatch.store.read import (
    AgreementSummary,
    all_agreements,
    ensure_loaded,
    get_agreement,
    list_agreements,
    search_provisions,
)

__all__ = [
    "AgreementSummary",
    "LoadReport",
    "all_agreements",
    "database_url",
    "ensure_loaded",
    "get_agreement",
    "list_agreements",
    "load_registry",
    "open_engine",
    "search_provisions",
]
