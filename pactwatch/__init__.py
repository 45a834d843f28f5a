"""Pactwatch: security agreements as data you can query, check and act on."""

__version__ = "0.1.0"
