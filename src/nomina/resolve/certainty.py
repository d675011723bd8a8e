"""Certainty of a person: confirmed / probable / possible, from a written policy, with reasons.

The policy is data (certainty.yaml, shipped with the package, documents every rule);
`assess_certainty` applies it to the evidence of one person's records and returns the
level with readable sentences an analyst can check against the records ("document
number on record 17 (Captured contract lists)"). Every person gets at least one reason:
a lower level also says which stronger rules did not hold.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LEVELS = ("confirmed", "probable", "possible")
PRECISIONS = ("year", "month", "day")  # coarse to fine
_DATE_LENGTH = {"year": 4, "month": 7, "day": 10}
DEFAULT_POLICY = Path(__file__).with_name("certainty.yaml")


@dataclass(frozen=True, slots=True)  # one per record of the register, a million at once
class RecordEvidence:
    """What one record of a person says, as far as certainty is concerned."""

    record_id: int
    source_id: int
    organisation: str | None
    source_title: str
    has_document: bool
    has_service_number: bool
    full_name: str | None
    birth_date: str | None  # ISO prefix
    birth_precision: str | None  # day | month | year (None: read from the date's length)
    citizenship: str | None


@dataclass(frozen=True)
class ConfirmedRules:
    identity_document: bool = True
    service_number: bool = True
    independent_sources: int = 2
    agreement_precision: str = "day"
    count_unknown_organisations: bool = False
    reviewer_same: bool = True


@dataclass(frozen=True)
class SingleRecordRule:
    enabled: bool = True
    birth_precision: tuple[str, ...] = ("day", "month")
    citizenship: bool = True


@dataclass(frozen=True)
class ProbableRules:
    sources: int = 2
    single_record: SingleRecordRule = field(default_factory=SingleRecordRule)


@dataclass(frozen=True)
class CertaintyPolicy:
    """The rules, as in certainty.yaml (whose values are also these defaults)."""

    version: int = 1
    confirmed: ConfirmedRules = field(default_factory=ConfirmedRules)
    probable: ProbableRules = field(default_factory=ProbableRules)


class PolicyError(ValueError):
    """A certainty policy file that cannot be used; the message names file and key."""


def load_policy(path: str | Path | None = None) -> CertaintyPolicy:
    """Read a policy file; None reads the default shipped with nomina."""
    path = Path(path) if path is not None else DEFAULT_POLICY
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PolicyError(f"certainty policy {path}: {error}") from None
    try:
        policy = _build(CertaintyPolicy, {} if data is None else data, "")
    except PolicyError as error:
        raise PolicyError(f"certainty policy {path}: {error}") from None
    if policy.version != 1:
        raise PolicyError(f"certainty policy {path}: version: only version 1 is known")
    return policy


def _build(cls: type, data: Any, prefix: str) -> Any:
    """Dataclass `cls` from a YAML mapping, checking every key and type."""
    if not isinstance(data, dict):
        raise PolicyError(f"{prefix.rstrip('.') or 'the file'}: expected a mapping of keys")
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in known:
            raise PolicyError(f"unknown key {name!r} (known here: {', '.join(known)})")
        default = getattr(cls(), key)
        if hasattr(default, "__dataclass_fields__"):
            values[key] = _build(type(default), value, f"{name}.")
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise PolicyError(f"{name}: expected true or false, got {value!r}")
            values[key] = value
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise PolicyError(f"{name}: expected a whole number ≥ 0, got {value!r}")
            values[key] = value
        elif isinstance(default, str):  # a precision
            if value not in PRECISIONS:
                raise PolicyError(f"{name}: expected one of {', '.join(PRECISIONS)}, got {value!r}")
            values[key] = value
        else:  # a list of precisions
            if not isinstance(value, list) or not all(v in PRECISIONS for v in value):
                raise PolicyError(
                    f"{name}: expected a list of {', '.join(PRECISIONS)}, got {value!r}"
                )
            values[key] = tuple(value)
    return cls(**values)


def assess_certainty(
    records: Sequence[RecordEvidence],
    *,
    same_judgements: int = 0,
    names_agree: Callable[[str, str], bool],
    policy: CertaintyPolicy | None = None,
) -> tuple[str, list[str]]:
    """The person's level and the reasons for it (at least one).

    `same_judgements`: how many reviewer judgements of `same` join records of the person.
    `names_agree(a, b)`: whether two full names name the same person (cross-script).
    """
    if not records:
        raise ValueError("a person has at least one record")
    policy = policy or _DEFAULT
    records = sorted(records, key=lambda r: (r.record_id, r.source_id))  # a stable order
    rules = policy.confirmed

    confirmed: list[str] = []
    if rules.identity_document:
        holding = [r for r in records if r.has_document]
        if holding:
            confirmed.append(f"identity document number on {_records(holding)}")
    if rules.service_number:
        holding = [r for r in records if r.has_service_number]
        if holding:
            confirmed.append(f"service number on {_records(holding)}")
    if rules.independent_sources:
        agreement = _independent_agreement(records, rules, names_agree)
        if agreement is not None:
            date, organisations = agreement
            confirmed.append(
                f"{len(organisations)} independent sources agree on name and birth date "
                f"{date}: {', '.join(organisations)}"
            )
    if rules.reviewer_same and same_judgements > 0:
        confirmed.append(
            "a reviewer judged two of its records the same person"
            if same_judgements == 1
            else f"reviewers judged its records the same person ({same_judgements} judgements)"
        )
    if confirmed:
        return "confirmed", confirmed

    probable: list[str] = []
    titles = _source_titles(records)
    if policy.probable.sources and len(titles) >= policy.probable.sources:
        # Interned: a few combinations of sources, each shared by many persons.
        probable.append(sys.intern(f"on {len(titles)} sources: {', '.join(titles)}"))
    single = policy.probable.single_record
    if single.enabled:
        for r in records:
            if r.full_name and _precision(r) in single.birth_precision:
                if not single.citizenship or r.citizenship:
                    says = ["a full name", f"a birth date ({r.birth_date})"]
                    if single.citizenship:
                        says.append(f"citizenship ({r.citizenship})")
                    probable.append(f"{_record(r)} gives {_and(says)}")
                    break
    not_confirmed = _not_confirmed(rules)
    if probable:
        return "probable", [*probable, not_confirmed]
    on = sys.intern(f"on {len(titles)} source{'s' if len(titles) > 1 else ''}: {', '.join(titles)}")
    return "possible", [on, not_confirmed, _not_probable(policy.probable)]


_DEFAULT = CertaintyPolicy()


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _record(r: RecordEvidence) -> str:
    return f"record {r.record_id} ({r.source_title})"


def _records(holding: list[RecordEvidence], shown: int = 3) -> str:
    named = [f"{r.record_id} ({r.source_title})" for r in holding[:shown]]
    if len(holding) > shown:
        named.append(f"{len(holding) - shown} more")
    return ("record " if len(holding) == 1 else "records ") + _and(named)


def _source_titles(records: Sequence[RecordEvidence]) -> list[str]:
    titles: dict[int, str] = {}
    for r in records:
        titles.setdefault(r.source_id, r.source_title)
    return [titles[s] for s in sorted(titles)]


def _precision(r: RecordEvidence) -> str | None:
    if not r.birth_date:
        return None
    if r.birth_precision:
        return r.birth_precision
    return {4: "year", 7: "month", 10: "day"}.get(len(r.birth_date))


def _independent_agreement(
    records: Sequence[RecordEvidence],
    rules: ConfirmedRules,
    names_agree: Callable[[str, str], bool],
) -> tuple[str, list[str]] | None:
    """(date, organisations) for the first date on which enough independent sources agree."""
    needed = PRECISIONS.index(rules.agreement_precision)
    length = _DATE_LENGTH[rules.agreement_precision]
    # date → distinct (name, organisation key), with the organisation's name as first seen
    by_date: dict[str, dict[tuple[str, str], str]] = {}
    for r in records:
        precision = _precision(r)
        if not r.full_name or precision is None or PRECISIONS.index(precision) < needed:
            continue
        organisation = (r.organisation or "").strip()
        if organisation:
            key, shown = organisation.casefold(), organisation
        elif rules.count_unknown_organisations:
            key, shown = f"\0source {r.source_id}", r.source_title
        else:
            continue  # cannot show independence
        assert r.birth_date is not None
        by_date.setdefault(r.birth_date[:length], {}).setdefault((r.full_name, key), shown)
    for date in sorted(by_date):
        entries = by_date[date]
        if len({key for _, key in entries}) < rules.independent_sources:
            continue
        # Agreement is judged against each name in turn (names_agree need not be transitive).
        for anchor in dict.fromkeys(name for name, _ in entries):
            organisations: dict[str, str] = {}
            for (name, key), shown in entries.items():
                if key not in organisations and (name == anchor or names_agree(anchor, name)):
                    organisations[key] = shown
            if len(organisations) >= rules.independent_sources:
                return date, sorted(organisations.values())
    return None


# The two reasons below depend on the policy only: one string each, shared by every
# person that gives it (at a million records, 700,000 copies took 0.1 GB or more).
@lru_cache(maxsize=8)
def _not_confirmed(rules: ConfirmedRules) -> str:
    missing = []
    if rules.identity_document and rules.service_number:
        missing.append("no identity document or service number")
    elif rules.identity_document:
        missing.append("no identity document number")
    elif rules.service_number:
        missing.append("no service number")
    if rules.independent_sources:
        what = (
            "birth date"
            if rules.agreement_precision == "day"
            else f"birth {rules.agreement_precision}"
        )
        missing.append(
            f"no {rules.independent_sources} independent sources agreeing on name and {what}"
        )
    if rules.reviewer_same:
        missing.append("no reviewer's confirmation")
    return "not confirmed: " + (", ".join(missing) or "no rule for confirmed is enabled")


@lru_cache(maxsize=8)
def _not_probable(rules: ProbableRules) -> str:
    missing = []
    if rules.sources:
        missing.append(f"on fewer than {rules.sources} sources")
    single = rules.single_record
    if single.enabled:
        precisions = " or ".join(single.birth_precision) or "any"
        what = ["a full name", f"a birth date to the {precisions}"]
        if single.citizenship:
            what.append("citizenship")
        missing.append(f"no record gives {_and(what)}")
    return "not probable: " + (", ".join(missing) or "no rule for probable is enabled")
