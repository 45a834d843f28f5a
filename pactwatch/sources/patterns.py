"""Regexes built from word lists, shared by the stages that scan text for many words."""

from __future__ import annotations

import re
from typing import Any


def trie_pattern(entries: list[str]) -> str:
    """A regex for a set of strings, shaped as a trie (longest match first).

    Python's regex engine tries alternatives one by one; a flat list of a thousand entries
    costs a thousand attempts per position, a trie a handful. Spaces match any whitespace.
    """
    root: dict[str, Any] = {}
    for entry in entries:
        node = root
        for char in entry:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alternatives = [
            (r"\s+" if char == " " else re.escape(char)) + build(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return build(root)


def words_pattern(entries: list[str]) -> re.Pattern[str]:
    """Whole-word, case-insensitive alternation of `entries`, longest first."""
    return re.compile(r"(?<![\w-])(?:" + trie_pattern(sorted(set(entries))) + r")(?![\w-])", re.I)
