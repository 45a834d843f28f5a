"""Party codes: ISO 3166-1 alpha-2 for states, a short closed list for organisations.

Kept apart from the models so the extractor's gazetteer and the validator agree on one
notion of what a party code is.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

ORGANISATIONS: dict[str, str] = {
    "EU": "European Union",
    "NATO": "North Atlantic Treaty Organization",
    "G7": "Group of Seven",
    "UN": "United Nations",
    "OSCE": "Organization for Security and Co-operation in Europe",
}


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=1024)
def is_party_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code or one of the organisation codes.

    Remembered per code: every actor and beneficiary of every draft is checked."""
    return code in ORGANISATIONS or code in _country_codes()


@lru_cache(maxsize=512)
def party_name(code: str) -> str:
    """A readable name for a party code ("RO" -> "Romania"); the code itself when unknown.

    Remembered: a pycountry lookup costs more than the rest of titling a draft."""
    if code in ORGANISATIONS:
        return ORGANISATIONS[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)
