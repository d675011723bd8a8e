"""The headline sentence in the seeds' style ("At least 18,000 foreign nationals from 128
countries and unrecognised territories ...; 3,388 of them have been killed."), from the
figures the report publishes: the disclosure-controlled ones in a public report, where
a suppressed number reads "fewer than k".
"""

from __future__ import annotations

from collections.abc import Mapping

from nomina.stats.figures import FigureResult

HEADLINE_FIGURES = ("known_with_certainty", "countries", "killed", "prisoners_held",
                    "prisoner_countries")  # fmt: skip


def headline_sentence(figures: Mapping[str, FigureResult], k: int | None = None) -> str:
    """One or two sentences; `k` is the disclosure threshold (None: nothing suppressed).

    A suppressed single number (`known_with_certainty`) reads "fewer than k": it is
    suppressed only then. A suppressed table total (killed, prisoners held) may also be
    a complementary suppression, so it reads "an undisclosed number".
    """
    values = {name: figures[name].value for name in HEADLINE_FIGURES}
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
