"""Citations of a clause as its text numbers it, from an Akoma Ntoso-style eId.

`part_II__hcontainer_1__para_5__list_1__item_b` reads "Part II, paragraph 5 (b)". One
function serves pages, exports and the API, so a clause is cited the same way everywhere.
Where the text does not number a paragraph, the citation says so rather than inventing a
number the reader cannot find.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pactwatch.model.agreement import Structure

_DIVISIONS = {
    "part": "Part",
    "chp": "Chapter",
    "sec": "Section",
    "art": "Article",
    "subsec": "Section",
    "annex": "Annex",
}
_ORDINAL = {1: "1st", 2: "2nd", 3: "3rd"}


def _ordinal(num: str) -> str:
    n = int(num) if num.isdigit() else 0
    return _ORDINAL.get(n if n % 100 not in (11, 12, 13) else 0, f"{num}th") if n else num


def cite(eid: str, structure: Structure | None = None) -> str:
    """A reader's citation for an eId. With the record's structure, divisions take the name
    their text gives them ("Paragraph 6" for `sec_6` in the Romanian text) and unnumbered
    paragraphs are cited by position ("3rd paragraph")."""
    nodes = {n.eid: n for n in structure.nodes} if structure else {}
    parts: list[str] = []
    path = ""
    for step in eid.split("__"):
        path = f"{path}__{step}" if path else step
        name, _, raw = step.partition("_")
        num = raw.split("-")[0]
        node = nodes.get(path)
        numbered = node.num is not None if node else not num.startswith("u")
        num = num.removeprefix("u")
        if name == "preamble":
            parts.append("Preamble")
        elif name == "recital":
            parts.append(f"recital {num}")
        elif name == "conclusions":
            parts.append("signature block")
        elif name == "title":
            parts.append("title")
        elif name in _DIVISIONS:
            label = (node.label if node else None) or _DIVISIONS[name]
            parts.append(f"{label} {num}")
        elif name == "hcontainer":
            parts.append(f"({num})" if numbered and not num.isdigit() else f"heading {num}")
        elif name == "para":
            parts.append(f"paragraph {num}" if numbered else f"{_ordinal(num)} paragraph")
        elif name == "item":
            marker = f"({num})" if numbered else f"item {num}"
            if (parts and "paragraph" in parts[-1]) or (
                parts and parts[-1].startswith(("(", "item"))
            ):
                parts[-1] += f" {marker}"
            else:
                parts.append(marker)
        elif name == "intro":
            parts.append("opening words")
    return ", ".join(parts)
