"""Certainty: each rule of the default policy, the policy loader, and reasons for everyone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nomina.resolve.certainty import (
    CertaintyPolicy,
    PolicyError,
    RecordEvidence,
    assess_certainty,
    load_policy,
)

SOURCES = {
    1: ("Coordination HQ", "Captured contract lists"),
    2: ("Coordination HQ", "Prisoner registrations 2024"),
    3: ("National Information Bureau", "Bureau casualty list"),
    4: (None, "Anonymous open-source list"),
    5: (None, "Another anonymous list"),
}


def record(
    record_id: int,
    source_id: int = 1,
    *,
    document: bool = False,
    service: bool = False,
    name: str | None = "Ram Bahadur Thapa",
    birth: str | None = None,
    precision: str | None = None,
    citizenship: str | None = None,
) -> RecordEvidence:
    organisation, title = SOURCES[source_id]
    return RecordEvidence(
        record_id=record_id,
        source_id=source_id,
        organisation=organisation,
        source_title=title,
        has_document=document,
        has_service_number=service,
        full_name=name,
        birth_date=birth,
        birth_precision=precision,
        citizenship=citizenship,
    )


def same_name(a: str, b: str) -> bool:
    return a.casefold().replace("kh", "h") == b.casefold().replace("kh", "h")


def assess(records: list[RecordEvidence], **kwargs) -> tuple[str, list[str]]:
    return assess_certainty(records, names_agree=same_name, **kwargs)


def test_a_document_number_confirms() -> None:
    level, reasons = assess([record(17, document=True), record(18, 3)])
    assert level == "confirmed"
    assert reasons == ["identity document number on record 17 (Captured contract lists)"]


def test_a_service_number_confirms_and_many_holders_are_summarised() -> None:
    holders = [record(r, service=True) for r in (4, 2, 9, 7)]
    level, reasons = assess(holders)
    assert level == "confirmed"
    assert reasons == [
        "service number on records 2 (Captured contract lists), 4 (Captured contract lists), "
        "7 (Captured contract lists) and 1 more"
    ]


def test_two_independent_sources_agreeing_on_name_and_full_birth_date_confirm() -> None:
    records = [
        record(1, 1, birth="1998-03-05"),
        record(2, 3, name="Ram Bahadur Thapa", birth="1998-03-05"),
    ]
    level, reasons = assess(records)
    assert level == "confirmed"
    assert reasons == [
        "2 independent sources agree on name and birth date 1998-03-05: "
        "Coordination HQ, National Information Bureau"
    ]


def test_agreement_uses_names_agree_across_spellings() -> None:
    records = [
        record(1, 1, name="Mikhail Petrov", birth="1990-01-02"),
        record(2, 3, name="Mihail Petrov", birth="1990-01-02"),
    ]
    assert assess(records)[0] == "confirmed"


@pytest.mark.parametrize(
    "records",
    [
        # One organisation, two of its lists: it counts once.
        [record(1, 1, birth="1998-03-05"), record(2, 2, birth="1998-03-05")],
        # Birth dates differ.
        [record(1, 1, birth="1998-03-05"), record(2, 3, birth="1998-03-06")],
        # Only month precision on one side.
        [record(1, 1, birth="1998-03-05"), record(2, 3, birth="1998-03", precision="month")],
        # Names disagree.
        [record(1, 1, birth="1998-03-05"), record(2, 3, name="Hari Gurung", birth="1998-03-05")],
        # Sources without an organisation cannot show independence.
        [record(1, 4, birth="1998-03-05"), record(2, 5, birth="1998-03-05")],
    ],
)
def test_agreement_that_does_not_confirm(records: list[RecordEvidence]) -> None:
    level, _ = assess(records)
    assert level == "probable"  # two sources, but not confirmed


def test_a_reviewer_confirmation_confirms() -> None:
    level, reasons = assess([record(1), record(2)], same_judgements=1)
    assert level == "confirmed"
    assert reasons == ["a reviewer judged two of its records the same person"]
    _, reasons = assess([record(1), record(2), record(3)], same_judgements=2)
    assert reasons == ["reviewers judged its records the same person (2 judgements)"]


def test_every_rule_that_holds_is_a_reason() -> None:
    records = [record(1, 1, document=True, birth="1998-03-05"), record(2, 3, birth="1998-03-05")]
    level, reasons = assess(records, same_judgements=1)
    assert level == "confirmed" and len(reasons) == 3


def test_probable_on_two_sources() -> None:
    level, reasons = assess([record(1, 1), record(2, 2)])
    assert level == "probable"
    assert reasons == [
        "on 2 sources: Captured contract lists, Prisoner registrations 2024",
        "not confirmed: no identity document or service number, no 2 independent sources "
        "agreeing on name and birth date, no reviewer's confirmation",
    ]


def test_probable_from_one_full_record() -> None:
    one = record(5, birth="1998-03", precision="month", citizenship="NPL")
    level, reasons = assess([one])
    assert level == "probable"
    assert reasons[0] == (
        "record 5 (Captured contract lists) gives a full name, a birth date (1998-03) "
        "and citizenship (NPL)"
    )
    # A year alone, or no citizenship, is not enough.
    assert assess([dataclasses.replace(one, birth_date="1998", birth_precision="year")])[0] == (
        "possible"
    )
    assert assess([dataclasses.replace(one, citizenship=None)])[0] == "possible"


def test_possible_says_what_is_missing() -> None:
    level, reasons = assess([record(3, 4, name=None)])
    assert level == "possible"
    assert reasons == [
        "on 1 source: Anonymous open-source list",
        "not confirmed: no identity document or service number, no 2 independent sources "
        "agreeing on name and birth date, no reviewer's confirmation",
        "not probable: on fewer than 2 sources, no record gives a full name, a birth date "
        "to the day or month and citizenship",
    ]


def test_a_changed_policy_changes_the_level(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "confirmed:\n  identity_document: false\n  agreement_precision: month\n"
        "  count_unknown_organisations: true\nprobable:\n  sources: 0\n",
        encoding="utf-8",
    )
    policy = load_policy(path)
    assert policy.confirmed.service_number  # a missing key keeps its default
    assert assess([record(1, document=True)], policy=policy)[0] == "possible"
    month = [record(1, 4, birth="1998-03"), record(2, 5, birth="1998-03-05")]
    level, reasons = assess(month, policy=policy)
    assert level == "confirmed"
    assert reasons == [
        "2 independent sources agree on name and birth date 1998-03: "
        "Anonymous open-source list, Another anonymous list"
    ]


def test_the_shipped_policy_is_the_documented_default() -> None:
    assert load_policy() == load_policy(None) == CertaintyPolicy()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("confirmed:\n  identity_documents: true\n", "unknown key 'confirmed.identity_documents'"),
        (
            "probable:\n  single_record:\n    colour: red\n",
            "unknown key 'probable.single_record.colour'",
        ),
        (
            "confirmed:\n  service_number: yes please\n",
            "confirmed.service_number: expected true or false",
        ),
        (
            "confirmed:\n  independent_sources: -1\n",
            "confirmed.independent_sources: expected a whole number",
        ),
        (
            "confirmed:\n  agreement_precision: week\n",
            "confirmed.agreement_precision: expected one of",
        ),
        (
            "probable:\n  single_record:\n    birth_precision: day\n",
            "probable.single_record.birth_precision",
        ),
        ("probable: 3\n", "probable: expected a mapping"),
        ("version: 2\n", "version: only version 1"),
        ("confirmed: [\n", "certainty policy"),
    ],
)
def test_bad_policy_files_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match="bad.yaml") as error:
        load_policy(path)
    assert message in str(error.value)


def test_a_missing_policy_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="nowhere.yaml"):
        load_policy(tmp_path / "nowhere.yaml")


def test_a_person_has_records() -> None:
    with pytest.raises(ValueError):
        assess([])


evidence = st.builds(
    record,
    st.integers(1, 50),
    st.sampled_from(sorted(SOURCES)),
    document=st.booleans(),
    service=st.booleans(),
    name=st.sampled_from([None, "Ram Bahadur Thapa", "Kim Jong Un"]),
    birth=st.sampled_from([None, "1998", "1998-03", "1998-03-05"]),
    citizenship=st.sampled_from([None, "NPL", "PRK"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(evidence, min_size=1, max_size=6, unique_by=lambda r: r.record_id), st.integers(0, 2)
)
def test_every_person_gets_a_level_and_at_least_one_reason(records, same) -> None:
    level, reasons = assess(records, same_judgements=same)
    assert level in ("confirmed", "probable", "possible")
    assert reasons and all(isinstance(r, str) and r for r in reasons)
    # The order of the records never changes the result.
    assert assess(list(reversed(records)), same_judgements=same) == (level, reasons)
