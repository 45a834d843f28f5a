"""A generated news archive: mostly unrelated news, some reports of acts under Ukraine's
agreements, and a few broken records, from our own templates and word lists.

Deterministic for a seed, written as JSON lines of `{id, date, url, text}` up to a size.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

PLACES = ["the northern hills", "the coast", "the capital", "the river valley", "the east"]
TEAMS = ["City", "United", "Rovers", "Athletic", "Wanderers", "Harbour", "Forest"]
FIRMS = ["a regional bank", "a shipping group", "a chip maker", "a grocery chain", "an airline"]
SUBJECTS = {
    "weather": [
        "Forecasters expect {n} millimetres of rain over {place} by {day}.",
        "Temperatures in {place} are set to fall below {n} degrees on {day}.",
        "Residents of {place} were told to prepare for strong winds and short power cuts.",
        "The weather service raised its warning level for {place} after a night of storms.",
    ],
    "sport": [
        "{team} beat {other} {n} to {m} in front of a full stadium on {day}.",
        "The coach of {team} said the squad would rest two players before the cup tie.",
        "{team} signed a young midfielder from {other} on a three-year contract.",
        "Fans of {other} queued for hours for tickets to the final.",
    ],
    "markets": [
        "Shares in {firm} rose {n} per cent after it reported higher quarterly sales.",
        "Bond yields edged lower as traders weighed the central bank's next step.",
        "{firm} said it would cut {n}00 jobs as demand slowed in the second half.",
        "The currency steadied on {day} after a week of losses against the dollar.",
    ],
    "city": [
        "The council approved a budget for {n} new buses and a repaired bridge in {place}.",
        "A new library opened in {place} with a reading room for {n}0 people.",
        "Road works in {place} will close two lanes until the end of the month.",
        "The mayor promised cheaper parking near the station from {day}.",
    ],
    "science": [
        "Researchers described a beetle that survives {n} days without water.",
        "A telescope team reported {n} new comets in the outer solar system.",
        "Engineers tested a battery that charges in {n} minutes in cold weather.",
        "The museum will show fossils found in {place} last summer.",
    ],
}
PARTNERS = [
    ("Romania", "Bucharest"),
    ("Poland", "Warsaw"),
    ("Germany", "Berlin"),
    ("Denmark", "Copenhagen"),
    ("the Netherlands", "The Hague"),
    ("Latvia", "Riga"),
    ("France", "Paris"),
    ("Canada", "Ottawa"),
]
ACTS = [
    "delivered a Patriot air defence system to Ukraine",
    "handed over a batch of artillery ammunition to Ukraine",
    "transferred demining equipment to Ukraine",
    "began training Ukrainian F-16 pilots",
    "paid the first tranche of its military aid to Ukraine",
    "held consultations with Ukraine on air defence",
]
HEDGES = [
    "Officials in {capital} said more support would follow.",
    "{partner} will consider further equipment next year, the minister said.",
    "The defence ministry in {capital} gave no further details.",
]


def _day(rng: random.Random) -> dt.date:
    return dt.date(2024, 7, 1) + dt.timedelta(days=rng.randrange(540))


def _fill(template: str, rng: random.Random, day: dt.date) -> str:
    team, other = rng.sample(TEAMS, 2)
    return template.format(
        n=rng.randrange(2, 40),
        m=rng.randrange(0, 5),
        place=rng.choice(PLACES),
        team=team,
        other=other,
        firm=rng.choice(FIRMS),
        day=day.strftime("%A"),
    )


class _Pool:
    """Filled sentences drawn once per subject, then sampled: formatting every sentence
    anew would make writing a gigabyte slower than linking it."""

    def __init__(self, rng: random.Random, size: int = 400) -> None:
        self.sentences = {
            subject: [_fill(rng.choice(templates), rng, _day(rng)) for _ in range(size)]
            for subject, templates in SUBJECTS.items()
        }
        self.subjects = sorted(SUBJECTS)

    def unrelated(self, rng: random.Random, sentences: int) -> str:
        return " ".join(rng.choices(self.sentences[rng.choice(self.subjects)], k=sentences))

    def report(self, rng: random.Random, day: dt.date, sentences: int) -> str:
        partner, capital = rng.choice(PARTNERS)
        act = rng.choice(ACTS)
        lead = f"{partner} has {act}, the defence ministry in {capital} said on {day:%d %B %Y}."
        tail = rng.choice(HEDGES).format(partner=partner, capital=capital)
        filler = self.unrelated(rng, max(0, sentences - 2))
        return " ".join([lead[0].upper() + lead[1:], tail, filler])


def document(rng: random.Random, pool: _Pool, number: int, report_share: float) -> str:
    """One JSON line; about one in 20,000 is broken (no text, or an unreadable date)."""
    day = _day(rng)
    sentences = rng.randrange(12, 40)
    if rng.random() < report_share:
        text = pool.report(rng, day, sentences)
    else:
        text = pool.unrelated(rng, sentences)
    record: dict[str, object] = {
        "id": f"doc-{number:09d}",
        "date": day.isoformat(),
        "url": f"https://news.example/{day:%Y/%m/%d}/{number}",
        "text": text,
    }
    roll = rng.random()
    if roll < 1 / 40_000:
        del record["text"]
    elif roll < 1 / 20_000:
        record["date"] = day.strftime("%d %B")
    return json.dumps(record, ensure_ascii=False) + "\n"


def write_archive(path: Path, size_bytes: int, *, seed: int = 7, report_share: float = 0.05) -> int:
    """Write documents until the file holds `size_bytes`; returns how many."""
    rng = random.Random(seed)
    pool = _Pool(rng)
    written = count = 0
    with path.open("w", encoding="utf-8") as handle:
        while written < size_bytes:
            line = document(rng, pool, count, report_share)
            handle.write(line)
            written += len(line)  # the templates are ASCII
            count += 1
    return count
