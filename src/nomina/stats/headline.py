"""The headline figures, in the seeds' words: persons known with certainty, their
countries and territories, killed, and prisoners held with their countries.

Definitions (until the timeline stage orders events): a person's country is the
citizenship most of its records give; killed = a `killed` event on any record;
held as a prisoner = a `captured` event and no `exchanged`, `repatriated` or
`released` event on any record.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from nomina.store import Store
from nomina.store.schema import person_records, persons, record_events, record_fields

_FREED = {"exchanged", "repatriated", "released"}


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
    confirmed = select(persons.c.id).where(
        persons.c.certainty == "confirmed", persons.c.retired == 0
    )
    citizenships: dict[int, Counter[str]] = defaultdict(Counter)
    events: dict[int, set[str]] = defaultdict(set)
    with store.engine.connect() as connection:
        total = connection.execute(select(persons.c.id).where(persons.c.retired == 0)).all()
        for person_id, citizenship in connection.execute(
            select(person_records.c.person_id, record_fields.c.citizenship)
            .join(record_fields, record_fields.c.record_id == person_records.c.record_id)
            .where(person_records.c.person_id.in_(confirmed))
        ):
            citizenships[person_id][citizenship] += citizenship is not None
        for person_id, kind in connection.execute(
            select(person_records.c.person_id, record_events.c.kind)
            .join(record_events, record_events.c.record_id == person_records.c.record_id)
            .where(person_records.c.person_id.in_(confirmed))
        ):
            events[person_id].add(kind)
    country = {
        person_id: counts.most_common(1)[0][0]
        for person_id, counts in citizenships.items()
        if counts and counts.most_common(1)[0][1] > 0
    }
    prisoners = [p for p in citizenships if "captured" in events[p] and not events[p] & _FREED]
    return Headline(
        persons=len(total),
        confirmed=len(citizenships),
        countries=len(set(country.values())),
        killed=sum("killed" in events[p] for p in citizenships),
        prisoners=len(prisoners),
        prisoner_countries=len({country[p] for p in prisoners if p in country}),
    )
