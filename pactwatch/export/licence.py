"""Under what terms the data may be reused, and what the sources' own terms are.

Two works live in this project. The code is software, under the MIT licence
(`LICENSE`). The coding (the curated records, events, mappings, lexicons and every
export made from them) is a dataset, under Creative Commons Attribution 4.0: the licence
open data portals and the Frictionless and Datasette tooling know by name, which lets
anyone reuse, remix and republish the data, commercially too, as long as they say where it
came from. MIT suits code but speaks of "the Software" and of copies of it, which reads
poorly for a table of commitments; CC0 would drop the attribution that lets a reader trace
a figure back to this registry and its sources.

The texts we code from are not ours and are not in the project: records hold character
offsets and each text's sha256. `data/LICENSE.md` is `licence_text()`, kept equal by a test.
"""

from __future__ import annotations

DATA_LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
CODE_LICENCE = {
    "name": "MIT",
    "path": "https://opensource.org/licenses/MIT",
    "title": "MIT License",
}
FILE_NAME = "LICENSE.md"

SOURCE_TERMS: tuple[tuple[str, str], ...] = (
    (
        "Official texts of the agreements (`official_text`, `agreement_text`)",
        "published by the governments that signed them, on their official sites, for anyone "
        "to read and cite. Records point at them by sha256 and offsets; table exports made "
        "where the texts are present quote the words a provision stands on (the `quote` "
        "column), as a citation. The texts themselves are not redistributed: get them from "
        "the official address in each record's `sources`.",
    ),
    (
        "Government statements and summaries (`official_statement`, the Ukrainian "
        "government's September 2025 summary)",
        "published by those governments; mapped item by item, quoted only as above.",
    ),
    (
        "News reports (`news_report`; the translated report the project started from)",
        "a news outlet's writing, under its own copyright. Not redistributed and never "
        "quoted in exports: records keep only offsets and the sha256, and the `readings` "
        "and flags say in our own words how the report differs.",
    ),
    (
        "Events (`data/events`)",
        "our own words about what happened, each with the URL of its report; the reports "
        "stay with their publishers.",
    ),
)


def licence_text(heading: str = "#") -> str:
    """The licence statement, as Markdown under a heading of the given level."""
    sub = heading + "#"
    lines = [
        f"{heading} Licence",
        "",
        f"The data (the coded records in `data/`, and every export made from them: tables, "
        f"the Data Package, linked data, Akoma Ntoso, calendars) is licensed under "
        f"[{DATA_LICENCE['title']}]({DATA_LICENCE['path']}) ({DATA_LICENCE['name']}). "
        "Attribute it as: Pactwatch registry of Ukraine's bilateral security agreements, "
        "with the agreement and provision ids you used.",
        "",
        f"The code is under the [{CODE_LICENCE['title']}]({CODE_LICENCE['path']}) (`LICENSE`).",
        "",
        "Why CC BY 4.0 for the data: it is the licence open-data portals and the Frictionless "
        "and Datasette tools recognise, it allows any reuse, commercial too, and it keeps "
        "attribution, so a figure can be traced back to the registry and from there to the "
        "clause of the text it stands on.",
        "",
        f"{sub} The sources' own terms",
        "",
        "The texts we code from are not ours, and none is stored in the project.",
        "",
    ]
    lines += [f"- {what}: {terms}" for what, terms in SOURCE_TERMS]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(licence_text(), end="")
