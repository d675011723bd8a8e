"""The headline figures, in the seeds' words: persons known with certainty, their
countries and territories, killed, and prisoners held with their countries.

Each number is a figure of nomina.stats.definitions (one definition for all):
`persons`, `known_with_certainty`, `countries`, `killed`, `prisoners_held` and
`prisoner_countries`, computed now from the materialised timeline.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        return (
            f"At least {self.confirmed:,} foreign nationals from {self.countries} countries and "
            f"territories are known with certainty; {self.killed:,} of them have been killed. "
            f"{self.prisoners:,} are held as prisoners of war, from {self.prisoner_countries} countries."
        )


def headline_figures(store: Store) -> Headline:
    """The headline over persons known with certainty (`confirmed`)."""
    values = [result.value for result in compute_figures(store, names=HEADLINE_FIGURES)]
    return Headline(*values)
