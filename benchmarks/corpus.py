"""A deterministic corpus of English news-like documents about security agreements.

Each document has a headline, a byline, a dateline, background and quotes, and a share of
commitment sentences in varied forms (modals, metonyms, pronouns, lists, amounts), built
from word lists and a seeded random generator, so every run measures the same bytes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

PARTNERS = [
    ("Germany", "Berlin", "German", "Chancellor Olaf Scholz"),
    ("France", "Paris", "French", "President Emmanuel Macron"),
    ("the United Kingdom", "London", "British", "Prime Minister Rishi Sunak"),
    ("Japan", "Tokyo", "Japanese", "Prime Minister Fumio Kishida"),
    ("Canada", "Ottawa", "Canadian", "Prime Minister Justin Trudeau"),
    ("Italy", "Rome", "Italian", "Prime Minister Giorgia Meloni"),
    ("Denmark", "Copenhagen", "Danish", "Prime Minister Mette Frederiksen"),
    ("the Netherlands", "Amsterdam", "Dutch", "Prime Minister Mark Rutte"),
    ("Finland", "Helsinki", "Finnish", "President Alexander Stubb"),
    ("Spain", "Madrid", "Spanish", "Prime Minister Pedro Sanchez"),
    ("Poland", "Warsaw", "Polish", "Prime Minister Donald Tusk"),
    ("Sweden", "Stockholm", "Swedish", "Prime Minister Ulf Kristersson"),
    ("Norway", "Oslo", "Norwegian", "Prime Minister Jonas Gahr Store"),
    ("Romania", "Bucharest", "Romanian", "President Klaus Iohannis"),
    ("Latvia", "Riga", "Latvian", "President Edgars Rinkevics"),
    ("Estonia", "Tallinn", "Estonian", "Prime Minister Kaja Kallas"),
    ("the United States", "Washington", "American", "President Joe Biden"),
]
OBJECTS = [
    "air defence systems",
    "Patriot batteries",
    "IRIS-T launchers",
    "artillery shells",
    "armoured vehicles",
    "long-range missiles",
    "F-16 fighter jets",
    "maritime drones",
    "demining equipment",
    "winter clothing",
    "field hospitals",
    "radar stations",
    "counter-drone systems",
    "spare parts for tanks",
    "secure communications gear",
    "power generators",
    "mine-clearing vehicles",
    "night-vision devices",
    "training aircraft",
]
ACTIONS = [
    "will deliver {obj} to Ukraine",
    "will provide {obj} to Kyiv",
    "plans to send {obj}",
    "has pledged to supply {obj}",
    "intends to finance {obj}",
    "is ready to transfer {obj}",
    "will train Ukrainian crews to operate {obj}",
    "undertakes to maintain {obj}",
    "will help Ukraine produce {obj}",
    "commits to fund the purchase of {obj}",
]
EXTRAS = [
    "share intelligence with Kyiv",
    "support Ukraine's path to NATO membership",
    "help rebuild the energy grid",
    "cooperate on cyber defence",
    "back a special tribunal for the crime of aggression",
    "keep sanctions on Moscow",
    "open a repair hub near the border",
    "hold annual consultations with Ukraine",
]
MONEY = ["EUR 1.2 bn", "£2.5 billion", "$3 billion in 2024", "3 billion euros", "€500 million"]
WORDS = [
    "analysts",
    "officials",
    "observers",
    "diplomats",
    "lawmakers",
    "veterans",
    "farmers",
    "engineers",
    "voters",
    "regional",
    "budget",
    "winter",
    "coalition",
    "frontline",
    "village",
    "harbour",
    "railway",
    "council",
    "tariff",
    "cautious",
    "steady",
    "sharp",
    "modest",
    "urgent",
    "quiet",
    "lengthy",
    "bitter",
    "hopeful",
    "uncertain",
    "familiar",
    "discussed",
    "noted",
    "warned",
    "argued",
    "recalled",
    "suggested",
    "estimated",
    "questioned",
    "welcomed",
    "morning",
    "evening",
    "weekend",
    "quarter",
    "season",
    "decade",
    "session",
    "hearing",
    "debate",
    "ceremony",
    "prices",
    "shipments",
    "reserves",
    "factories",
    "corridors",
    "exports",
    "harvests",
    "bridges",
    "schools",
    "parliament",
    "committee",
    "ministry",
    "agency",
    "newspaper",
    "broadcaster",
    "survey",
    "poll",
    "report",
]
QUOTES = [
    '"We will not leave our friends alone," {leader} told reporters.',
    '"This is a long-term commitment," a senior official said on condition of anonymity.',
    "{leader} called the signing a signal to Moscow.",
    "Opposition politicians in {capital} questioned the cost of the package.",
]


def _filler(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 22))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _commitment(rng: random.Random, name: str, capital: str, demonym: str) -> str:
    subject = rng.choice([name, capital, f"The {demonym} government", "It", "The two countries"])
    subject = subject[0].upper() + subject[1:]
    action = rng.choice(ACTIONS).format(obj=rng.choice(OBJECTS))
    if rng.random() < 0.4:
        action += f", {rng.choice(EXTRAS).replace('will ', '')} and {rng.choice(EXTRAS)}"
    if rng.random() < 0.3:
        action += f" worth {rng.choice(MONEY)}"
    return f"{subject} {action}."


def document(rng: random.Random, number: int) -> str:
    name, capital, demonym, leader = rng.choice(PARTNERS)
    years = rng.choice(["ten", "10", "five"])
    parts = [
        f"{name[0].upper() + name[1:]} and Ukraine sign {years}-year security deal",
        f"By Reporter {number % 97}",
        f"{capital.upper()}, {rng.randint(1, 28)} June 2024 - {leader} and President "
        f"Volodymyr Zelensky signed a bilateral security agreement in {capital}.",
    ]
    paragraphs = []
    for _ in range(rng.randint(5, 8)):
        sentences = [_filler(rng) for _ in range(rng.randint(1, 3))]
        sentences.insert(rng.randint(0, len(sentences)), _commitment(rng, name, capital, demonym))
        if rng.random() < 0.3:
            sentences.append(rng.choice(QUOTES).format(leader=leader, capital=capital))
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(parts + paragraphs) + "\n"


def documents(total_bytes: int, seed: int = 20240711) -> Iterator[tuple[int, str]]:
    """(id, text) pairs until `total_bytes` of UTF-8 text have been produced."""
    rng = random.Random(seed)
    produced, number = 0, 0
    while produced < total_bytes:
        text = document(rng, number)
        produced += len(text.encode("utf-8"))
        yield number, text
        number += 1


def write_jsonl(path: Path, total_bytes: int) -> tuple[int, int]:
    """Write the corpus as JSON lines; returns (documents, bytes of text)."""
    count = size = 0
    with path.open("w", encoding="utf-8") as out:
        for ident, text in documents(total_bytes):
            out.write(json.dumps({"id": ident, "text": text}) + "\n")
            count += 1
            size += len(text.encode("utf-8"))
    return count, size
