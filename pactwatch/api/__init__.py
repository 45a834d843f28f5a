"""The REST API under /api/v1: the registry's answers as JSON (and CSV), described by OpenAPI."""

from pactwatch.api.config import ServiceConfig
from pactwatch.api.routes import api_router, install

__all__ = ["ServiceConfig", "api_router", "install"]
