"""Drawing the world person by person and writing every file as it goes."""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .countries import ALL_COUNTRIES, default_true_counts, scaled_counts
from .population import PopulationModel
from .records import Recorder
from .specs import SOURCES
from .spelling import native_parts, passport, russian
from .writers import SourceWriter, iso

EVENT_COLUMNS = ("contracted", "deployed", "wounded", "missing", "killed", "captured",
                 "exchanged", "repatriated", "released")  # fmt: skip
PERSON_COLUMNS = ("person_id", "country", "group", "sex", "family_native", "given_native",
                  "father_native", "family_passport", "given_passport", "name_cyrillic",
                  "birth_date", *EVENT_COLUMNS, "records", "sources")  # fmt: skip
_KILLED_STATUS = {"погиб", "убит", "killed", "KIA"}


@dataclass
class WorldSummary:
    """What was written, and the figures the world reproduces (compare CALIBRATION.md)."""

    seed: int
    persons_true: int = 0
    contract_persons_true: int = 0
    unit_persons_true: int = 0  # DPRK, deployed as units
    persons_observed: int = 0  # on at least one source
    contract_persons_observed: int = 0
    persons_on_two_or_more: int = 0
    # "Known with certainty" by a policy like DESIGN.md's: a document number or 2+ sources.
    contract_persons_certain: int = 0
    records: int = 0
    records_per_source: dict[str, int] = field(default_factory=dict)
    countries_true: int = 0
    countries_observed: int = 0
    killed_true: int = 0
    killed_observed: int = 0  # truly killed, among observed contract persons
    killed_reported: int = 0  # contract persons some source reports killed
    captured_true: int = 0
    prisoner_countries: int = 0  # countries in the prisoner registrations
    contracts_by_year: dict[str, int] = field(default_factory=dict)
    contracts_by_month: dict[str, int] = field(default_factory=dict)
    nepal_contracts_2025: int = 0
    top_countries_observed: list[tuple[str, int]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line for people: the headline figures of the world."""
        return (
            f"{self.persons_true:,} true persons ({self.contract_persons_true:,} by contract, "
            f"{self.unit_persons_true:,} DPRK in units); {self.persons_observed:,} on a source, "
            f"{self.contract_persons_certain:,} contract persons with a document or two sources; "
            f"{self.records:,} records in {len(self.records_per_source)} sources; "
            f"{self.countries_observed} countries; {self.killed_reported:,} reported killed; "
            f"prisoners from {self.prisoner_countries} countries"
        )


def write_world(
    out_dir: Path,
    persons: int | None = None,
    seed: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> WorldSummary:
    """Write a synthetic world of `persons` true persons (None: the calibrated default)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = default_true_counts() if persons is None else scaled_counts(persons)
    total = sum(counts.values())
    rng = random.Random(seed)
    by_code = {c.code: c for c in ALL_COUNTRIES}
    order = [code for code in sorted(counts) for _ in range(counts[code])]
    rng.shuffle(order)  # persons of all countries interleave, as they enlisted

    model = PopulationModel(rng, counts)
    recorder = Recorder(rng)
    s = WorldSummary(seed=seed, persons_true=total)
    files = [f"{spec.name}.{spec.ext}" for spec in SOURCES] + [
        f"{spec.name}.yaml" for spec in SOURCES
    ]
    observed = Counter[str]()
    prisoner_countries: set[str] = set()
    months = Counter[str]()
    local = Counter[str]()

    with (
        open(out_dir / "truth.csv", "w", encoding="utf-8", newline="") as truth_fh,
        open(out_dir / "persons.csv", "w", encoding="utf-8", newline="") as persons_fh,
    ):
        truth = csv.writer(truth_fh, lineterminator="\n")
        truth.writerow(("source", "row_number", "person_id"))
        people = csv.writer(persons_fh, lineterminator="\n")
        people.writerow(PERSON_COLUMNS)
        writers = [SourceWriter(spec, out_dir, truth, rng) for spec in SOURCES]
        for i, code in enumerate(order):
            country = by_code[code]
            p = model.person(f"P{i + 1:07d}", country, local[code])
            local[code] += 1
            rows = recorder.rows(p)
            for src, row in rows:
                writers[src].add(p.pid, row)
            ev = p.events
            kp = code == "KP"
            s.unit_persons_true += kp
            s.killed_true += "killed" in ev
            s.captured_true += "captured" in ev
            if "contracted" in ev:
                key = f"{ev['contracted']:%Y-%m}"
                months[key] += 1
                s.nepal_contracts_2025 += code == "NP" and ev["contracted"].year == 2025
            seen = sorted({SOURCES[src].name for src, _ in rows})
            if seen:
                s.persons_observed += 1
                s.persons_on_two_or_more += len(seen) > 1
                observed[code] += 1
                if not kp:
                    s.contract_persons_observed += 1
                    s.killed_observed += "killed" in ev
                    s.killed_reported += any(_reports_killed(src, row) for src, row in rows)
                    s.contract_persons_certain += len(seen) > 1 or any(
                        _has_document(src, row) for src, row in rows
                    )
                if "prisoners" in seen:
                    prisoner_countries.add(code)
            family, given = passport(p)
            people.writerow((
                p.pid, code, "unit" if kp else "contract", "F" if p.name.female else "M",
                *native_parts(p),
                family, given, " ".join(x for x in russian(p, random.Random(i), variant=0.0) if x),
                p.birth.isoformat(), *(iso(ev.get(k)) for k in EVENT_COLUMNS),
                len(rows), ";".join(seen),
            ))  # fmt: skip
            if progress and (i % 2000 == 0 or i + 1 == total):
                progress("persons", i + 1, total)
        for w in writers:
            w.close()
            spec = w.spec
            spec.write_yaml(out_dir)
            s.records_per_source[spec.name] = w.rows
    if progress:
        progress("files", len(SOURCES), len(SOURCES))

    s.contract_persons_true = total - s.unit_persons_true
    s.records = sum(s.records_per_source.values())
    s.countries_true = sum(1 for n in counts.values() if n)
    s.countries_observed = len(observed)
    s.prisoner_countries = len(prisoner_countries)
    s.contracts_by_month = dict(sorted(months.items()))
    years = Counter[str]()
    for month, n in months.items():
        half = ("-H1" if month[5:] <= "06" else "-H2") if month[:4] == "2025" else ""
        years[month[:4] + half] += n
    s.contracts_by_year = dict(sorted(years.items()))
    s.top_countries_observed = sorted(observed.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
    s.files = [*files, "truth.csv", "persons.csv", "world.json"]
    (out_dir / "world.json").write_text(
        json.dumps(asdict(s), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return s


_DOCUMENT_COLUMN = {0: 4, 1: 7, 4: 7, 5: 5}


def _has_document(src: int, row: object) -> bool:
    k = _DOCUMENT_COLUMN.get(src)
    return k is not None and isinstance(row, list) and bool(row[k])


def _reports_killed(src: int, row: object) -> bool:
    if src == 2 and isinstance(row, list):
        return row[7] in _KILLED_STATUS
    if src == 3 and isinstance(row, dict):
        return row.get("status") in _KILLED_STATUS
    return False
