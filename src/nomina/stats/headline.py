"""The headline figures, in the seeds' words ("At least 18,000 foreign nationals from 128
countries and unrecognised territories ...; 3,388 of them have been killed."): persons
known with certainty, their countries and territories, killed, and prisoners held with
their countries. In a public output a suppressed number reads "fewer than k" or "an
undisclosed number".

Each number is a figure of nomina.stats.definitions (one definition for all):
`persons`, `known_with_certainty`, `countries`, `killed`, `prisoners_held` and
`prisoner_countries`, computed now from the materialised timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from nomina.stats.figures import compute_figures
from nomina.store import Store

HEADLINE_FIGURES = ("persons", "known_with_certainty", "countries", "killed", "prisoners_held",
                    "prisoner_countries")  # fmt: skip


@dataclass(frozen=True)
class Headline:
    persons: int
    confirmed: int
    countries: int
    killed: int
    prisoners: int
    prisoner_countries: int

    def sentence(self) -> str:
        values = dict(zip(HEADLINE_FIGURES, asdict(self).values(), strict=True))
        return headline_sentence(values)


def headline_figures(store: Store) -> Headline:
    """The headline over persons known with certainty (`confirmed`)."""
    values = [result.value for result in compute_figures(store, names=HEADLINE_FIGURES)]
    return Headline(*values)


def headline_sentence(values: Mapping[str, int | None], k: int | None = None) -> str:
    """The headline from figure values by name (None: suppressed), in one or two sentences;
    `k` is the disclosure threshold (None: nothing suppressed).

    A suppressed single number (`known_with_certainty`) reads "fewer than k": it is
    suppressed only then. A suppressed table total (killed, prisoners held) may also be
    a complementary suppression, so it reads "an undisclosed number".
    """
    confirmed, countries = values["known_with_certainty"], values["countries"]
    if confirmed == 0:
        return "No foreign national is known with certainty yet."
    killed, prisoners = values["killed"], values["prisoners_held"]
    at_least = f"At least {confirmed:,}" if confirmed is not None else f"Fewer than {k}"
    first = (
        f"{at_least} foreign {noun(confirmed, 'national')} from {number(countries)} "
        f"{noun(countries, 'country', 'countries')} and territories "
        f"{verb(confirmed, 'is', 'are')} known by name with certainty; "
        f"{number(killed)} of them {verb(killed, 'has', 'have')} been killed."
    )
    if prisoners == 0:
        return first + " None is held as a prisoner of war."
    held_from = values["prisoner_countries"]
    held = number(prisoners)
    second = (
        f"{held[:1].upper()}{held[1:]} {verb(prisoners, 'is', 'are')} held as "
        f"{'a prisoner' if prisoners == 1 else 'prisoners'} of war, from {number(held_from)} "
        f"{noun(held_from, 'country', 'countries')}."
    )
    return f"{first} {second}"


def number(value: int | None) -> str:
    return "an undisclosed number" if value is None else f"{value:,}"


def noun(value: int | None, one: str, many: str | None = None) -> str:
    return one if value == 1 else many or one + "s"


def verb(value: int | None, one: str, many: str) -> str:
    return one if value == 1 else many
