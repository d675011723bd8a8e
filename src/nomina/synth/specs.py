"""The sources of the synthetic world: what each is, its file format and its column mapping.

Each source is written as `NAME.csv|xlsx|jsonl` with `NAME.yaml` beside it, in the format
of docs/source-config.md. Headers are those the document would really carry: Russian for
Russian documents (contract lists, casualty reports), English for the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    field: str | None  # None: stored verbatim, not mapped
    optional: bool = False
    extra: tuple[tuple[str, str], ...] = ()  # long-form options, e.g. calendar


@dataclass(frozen=True, slots=True)
class SourceSpec:
    name: str
    ext: str  # csv | xlsx | jsonl
    title: str
    kind: str
    organisation: str
    reliability: str
    received: date
    columns: tuple[Column, ...]
    encoding: str = "utf-8"
    delimiter: str = ","
    sheet: str = ""
    date_order: str = "DMY"
    notes: tuple[str, ...] = field(default=())

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def config(self) -> dict[str, object]:
        """The YAML mapping of docs/source-config.md."""
        source: dict[str, object] = {
            "title": self.title,
            "kind": self.kind,
            "organisation": self.organisation,
            "reliability": self.reliability,
            "received": self.received,  # a YAML date, unquoted as in the docs
        }
        file: dict[str, object] = {}
        if self.ext == "csv":
            file = {"encoding": self.encoding, "delimiter": self.delimiter}
        elif self.ext == "xlsx":
            file = {"sheet": self.sheet}
        else:
            file = {"encoding": self.encoding}
        file["date_order"] = self.date_order
        columns: dict[str, object] = {}
        for col in self.columns:
            if col.field is None:
                continue
            if col.optional or col.extra:
                long: dict[str, object] = {"field": col.field}
                if col.optional:
                    long["optional"] = True
                long.update(dict(col.extra))
                columns[col.header] = long
            else:
                columns[col.header] = col.field
        return {"source": source, "file": file, "columns": columns}

    def write_yaml(self, out_dir: Path) -> Path:
        path = out_dir / f"{self.name}.yaml"
        header = "".join(f"# {line}\n" for line in self.notes)
        body = yaml.safe_dump(self.config(), allow_unicode=True, sort_keys=False, width=100)
        path.write_text(header + body, encoding="utf-8")
        return path


C = Column

CONTRACTS = SourceSpec(
    name="contracts",
    ext="csv",
    title="Captured contract lists (Russian MoD selection points and units)",
    kind="contracts",
    organisation="Coordination HQ, captured documents",
    reliability="B",
    received=date(2025, 10, 20),
    encoding="cp1251",
    delimiter=";",
    columns=(
        C("№ п/п", None),
        C("ФИО", "full_name"),
        C("Дата рождения", "birth_date"),
        C("Гражданство", "citizenship"),
        C("Паспорт", "document_number"),
        C("Личный номер", "service_number"),
        C("Воинская часть", "military_unit"),
        C("Дата заключения контракта", "contracted"),
        C("Убыл в зону СВО", "deployed"),
        C("Пункт отбора", "recruitment_channel"),
        C("Дата составления", "reported_date"),
    ),
    notes=("Synthetic data. Russian clerks' lists: family name first, DD.MM.YYYY dates.",),
)

PRISONERS = SourceSpec(
    name="prisoners",
    ext="xlsx",
    title="Prisoner of war registrations, foreign nationals",
    kind="prisoner_registration",
    organisation="National Information Bureau",
    reliability="A",
    received=date(2025, 11, 10),
    sheet="POW register",
    columns=(
        C("Reg. No.", "source_key"),
        C("Surname", "family_name"),
        C("Given names", "given_name"),
        C("Name (Cyrillic)", "full_name"),
        C("Sex", "sex"),
        C("Date of birth", "birth_date"),
        C("Citizenship", "citizenship"),
        C("Passport No.", "document_number"),
        C("Service No.", "service_number"),
        C("Unit", "military_unit"),
        C("Date of capture", "captured"),
        C("Place of capture", None),
        C("Registered", "reported_date"),
    ),
    notes=(
        "Synthetic data. Surname and Given names as in the passport's machine-readable",
        "zone (ICAO 9303: A-Z only); Name (Cyrillic) as in the Russian military documents.",
    ),
)

CASUALTIES = SourceSpec(
    name="casualties",
    ext="csv",
    title="Casualty reports of Russian units (intercepted and captured)",
    kind="casualty_report",
    organisation="Coordination HQ",
    reliability="C",
    received=date(2025, 11, 5),
    columns=(
        C("Фамилия", "family_name"),
        C("Имя", "given_name"),
        C("Отчество", "patronymic"),
        C("Дата рождения", "birth_date"),
        C("Гражданство", "citizenship"),
        C("Воинская часть", "military_unit"),
        C("Личный номер", "service_number"),
        C("Статус", "status"),
        C("Дата события", "status_date"),
        C("Дата донесения", "reported_date"),
        C("Примечание", "note", optional=True),
    ),
    notes=("Synthetic data. Partial records: birth dates often year only or missing.",),
)

OPEN_SOURCE = SourceSpec(
    name="open_source",
    ext="jsonl",
    title="Open-source list of foreign fighters (media, social networks, obituaries)",
    kind="open_source",
    organisation="Research group",
    reliability="D",
    received=date(2025, 11, 12),
    columns=(
        C("ref", "source_key"),
        C("name", "full_name"),
        C("born", "birth_date", optional=True),
        C("country", "citizenship", optional=True),
        C("status", "status", optional=True),
        C("date", "status_date", optional=True),
        C("unit", "military_unit", optional=True),
        C("published", "reported_date"),
        C("notes", "note", optional=True),
    ),
    notes=("Synthetic data. One JSON object per line; keys absent when unknown.",),
)

INQUIRIES = SourceSpec(
    name="inquiries",
    ext="csv",
    title="Tracing inquiries from families",
    kind="inquiry",
    organisation="National Information Bureau, tracing service",
    reliability="C",
    received=date(2025, 11, 14),
    encoding="utf-8-sig",
    columns=(
        C("Case ID", "source_key"),
        C("Name (as written by family)", "full_name"),
        C("Name in passport (if known)", None),
        C("Sex", "sex"),
        C("Date of birth", "birth_date"),
        C("Date of birth (B.S.)", "birth_date", extra=(("calendar", "bikram_sambat"),)),
        C("Citizenship", "citizenship"),
        C("Passport number", "document_number"),
        C("Last contact", "missing"),
        C("Recruited via", "recruitment_channel"),
        C("Inquirer", None),
        C("Inquiry date", "reported_date"),
    ),
    notes=(
        "Synthetic data. Names in the family's own script. A Nepali family may give the",
        "birth date in Bikram Sambat (B.S.) instead; then the Gregorian column is empty and",
        "birth_date comes from the B.S. column (the first non-empty mapped column wins).",
    ),
)

EXCHANGES = SourceSpec(
    name="exchanges",
    ext="csv",
    title="Exchange, discharge and repatriation lists",
    kind="other",
    organisation="Coordination HQ",
    reliability="A",
    received=date(2025, 11, 15),
    columns=(
        C("No.", None),
        C("Surname", "family_name"),
        C("Given name", "given_name"),
        C("Date of birth", "birth_date"),
        C("Citizenship", "citizenship"),
        C("Passport", "document_number"),
        C("Discharged", "released"),
        C("Exchanged", "exchanged"),
        C("Repatriated", "repatriated"),
        C("Requested by", None),
        C("List date", "reported_date"),
    ),
    notes=(
        "Synthetic data. Only the DPRK requested its nationals in exchanges; discharges",
        "and repatriations were obtained by India, Nepal and Sri Lanka.",
    ),
)

SOURCES: tuple[SourceSpec, ...] = (
    CONTRACTS,
    PRISONERS,
    CASUALTIES,
    OPEN_SOURCE,
    INQUIRIES,
    EXCHANGES,
)
