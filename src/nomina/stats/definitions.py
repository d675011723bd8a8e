"""The figures of the register, each defined once (see `figures` for how they are used).

Unless a definition says otherwise, a figure counts persons known with certainty
(`confirmed`), as the seeds' "18,000 … whose names are known with certainty; 3,388 of
them killed" does. A person's status, country, first contract and channel are those of
its timeline (nomina.timeline: the status follows the precedence rules there, and a
contested status is counted as derived and listed by `contested`).
"""

from __future__ import annotations

import pandas as pd

from nomina.stats.figures import Figure, register
from nomina.stats.snapshot import Snapshot
from nomina.timeline.rules import KIND_BIT

CERTAIN = "Persons known with certainty (certainty confirmed)"


def _confirmed(snapshot: Snapshot) -> pd.DataFrame:
    if "confirmed" not in snapshot.cache:
        people = snapshot.persons
        snapshot.cache["confirmed"] = people[people["certainty"] == "confirmed"]
    return snapshot.cache["confirmed"]


def _with_status(status: str):
    def select(snapshot: Snapshot) -> pd.DataFrame:
        people = _confirmed(snapshot)
        return people.loc[people["status"] == status, ["row_id", "weight", "country"]].dropna()

    return select


def _ever(snapshot: Snapshot, kind: str) -> pd.DataFrame:
    people = _confirmed(snapshot)
    return people[(people["event_kinds"].astype("int64") & KIND_BIT[kind]) != 0]


def _countries(snapshot: Snapshot) -> pd.DataFrame:
    return _confirmed(snapshot).loc[:, ["row_id", "weight", "country"]].dropna()


def _contracted(snapshot: Snapshot) -> pd.DataFrame:
    people = _confirmed(snapshot)
    return people[people["first_contracted"].notna()]


def _months(snapshot: Snapshot) -> pd.DataFrame:
    people = _contracted(snapshot)
    dates = people["first_contracted"].astype(str)
    month = dates.str[:7].where(dates.str.len() >= 7, dates.str[:4] + " (month unknown)")
    return pd.DataFrame({"row_id": people["row_id"], "weight": people["weight"], "month": month})


def _country_years(snapshot: Snapshot) -> pd.DataFrame:
    people = _contracted(snapshot).dropna(subset=["country"])
    return pd.DataFrame(
        {
            "row_id": people["row_id"],
            "weight": people["weight"],
            "country": people["country"],
            "year": people["first_contracted"].astype(str).str[:4],
        }
    )


def _sources(snapshot: Snapshot) -> pd.DataFrame:
    named = snapshot.person_sources
    named = named[named["certainty"] == "confirmed"]
    return pd.DataFrame(
        {
            "row_id": named["row_id"],
            "weight": named["weight"],
            "source": named["source_id"].map(snapshot.source_labels),
        }
    )


def _confirmed_total(snapshot: Snapshot) -> int:
    return int(_confirmed(snapshot)["weight"].sum())


def _exchanged_or_repatriated(snapshot: Snapshot) -> pd.DataFrame:
    parts = [
        _ever(snapshot, kind).loc[:, ["row_id", "weight"]].assign(event=kind)
        for kind in ("exchanged", "repatriated")
    ]
    return pd.concat(parts, ignore_index=True)


def _channels(snapshot: Snapshot) -> pd.DataFrame:
    people = _confirmed(snapshot)
    return people.loc[:, ["row_id", "weight", "recruitment_channel"]].dropna()


def _contested(snapshot: Snapshot) -> pd.DataFrame:
    people = snapshot.persons
    chosen = people[people["contested"].astype(int) == 1]
    return chosen.loc[:, ["row_id", "weight"]].assign(status=chosen["status"].fillna("(no event)"))


register(
    Figure(
        "persons",
        "Persons in the register at any certainty (clusters of records believed to be one "
        "human being), by certainty level.",
        lambda s: s.persons.loc[:, ["row_id", "weight", "certainty"]],
        labels=("certainty",),
    )
)
register(
    Figure(
        "known_with_certainty",
        f"{CERTAIN}: an identity document or service number on record, two independent "
        "sources agreeing on name and birth date, or a reviewer's confirmation (the "
        "written certainty policy).",
        lambda s: _confirmed(s).loc[:, ["row_id", "weight"]],
    )
)
register(
    Figure(
        "countries",
        "Countries and territories represented among persons known with certainty (ISO "
        "3166-1 or territory code; a person's country is the citizenship most of its "
        "records give); the table counts the persons of each.",
        _countries,
        labels=("country",),
        value="labels",
        by_country=True,
    )
)
register(
    Figure(
        "killed",
        f"{CERTAIN} whose current status is killed, by country.",
        _with_status("killed"),
        labels=("country",),
        by_country=True,
    )
)
register(
    Figure(
        "missing",
        f"{CERTAIN} whose current status is missing (nothing known since they went "
        "missing), by country.",
        _with_status("missing"),
        labels=("country",),
        by_country=True,
    )
)
register(
    Figure(
        "prisoners_held",
        f"{CERTAIN} held as prisoners of war now: current status captured (no exchange, "
        "release, repatriation or death since), by country.",
        _with_status("captured"),
        labels=("country",),
        by_country=True,
    )
)
register(
    Figure(
        "prisoner_countries",
        "Countries and territories of the prisoners of war held now (prisoners_held).",
        _with_status("captured"),
        labels=("country",),
        value="labels",
        by_country=True,
    )
)
register(
    Figure(
        "exchanged_repatriated",
        f"{CERTAIN} with an exchange or a repatriation on their timeline (not set aside by "
        "a contradiction); a person both exchanged and repatriated is in both rows, once "
        "in the total.",
        _exchanged_or_repatriated,
        labels=("event",),
    )
)
register(
    Figure(
        "requesting_states",
        "States that asked for their nationals: countries of persons known with certainty "
        "who were exchanged. No source records a request as such; an exchange is "
        "negotiated name by name between the two sides, so a state whose nationals were "
        "exchanged is counted as having asked for them. Discharges and repatriations, "
        "obtained without an exchange, are not counted.",
        lambda s: _ever(s, "exchanged").loc[:, ["row_id", "weight", "country"]].dropna(),
        labels=("country",),
        value="labels",
        by_country=True,
    )
)
register(
    Figure(
        "contracts_per_month",
        f"{CERTAIN} with a contract, by the month of their first contract (a contract "
        "known only to the year is counted under 'YYYY (month unknown)').",
        _months,
        labels=("month",),
    )
)
register(
    Figure(
        "contracts_per_country_year",
        f"{CERTAIN} with a contract, by country and the year of their first contract.",
        _country_years,
        labels=("country", "year"),
        by_country=True,
    )
)
register(
    Figure(
        "by_source",
        f"{CERTAIN}, by source: the persons each source names (a person named by several "
        "sources is in each of their rows, once in the total).",
        _sources,
        labels=("source",),
        total=_confirmed_total,
    )
)
register(
    Figure(
        "source_share",
        "Share of each source in the total: the persons known with certainty that a "
        "source names, as a percentage of all persons known with certainty (shares add "
        "up to more than 100 where sources overlap).",
        _sources,
        labels=("source",),
        share=True,
        total=_confirmed_total,
    )
)
register(
    Figure(
        "by_recruitment_channel",
        f"{CERTAIN} whose sources name a recruitment channel (selection point, agency), by "
        "the channel most of their records give; persons with none are left out.",
        _channels,
        labels=("recruitment_channel",),
    )
)
register(Figure(
    "contested",
    "Persons at any certainty whose timeline holds a contradiction flagged for review "
    "(`nomina timeline --flags`), by the status derived for them.",
    _contested, labels=("status",),
))  # fmt: skip
