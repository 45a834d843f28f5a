"""Text cells a spreadsheet will not run: formula injection neutralised on the way out.

A provision's fields are free text that a curator (or anyone with a token) writes, and the
tables are opened in Excel, LibreOffice and Google Sheets. Those read a CSV cell beginning
with `=`, `+`, `-` or `@` as a formula (a tab or carriage return before one is skipped, so
those count too), and a formula can fetch a URL or, in older spreadsheets, run a command.
Following the OWASP guidance on CSV injection, such a text cell is written with a leading
`'`, which every spreadsheet reads as "this is text" and hides. Numbers and dates are typed
values, never text, and are left alone. XLSX needs no prefix: its cells carry a type, and
`xlsx_format` writes every text cell as a string, never as a formula.
"""

from __future__ import annotations

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP CSV injection)."""

TEXT_MARK = "'"


def is_risky(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return text.startswith(RISKY_STARTS)


def neutral(text: str) -> str:
    """The text as a CSV cell a spreadsheet shows but never evaluates."""
    return TEXT_MARK + text if is_risky(text) else text
