"""The shared vocabulary of nomina (see DESIGN.md): source kinds, grades, fields, events.

Every stage uses these names, so a field or event kind is spelled one way everywhere.
"""

from __future__ import annotations

from typing import Final

SOURCE_KINDS: Final = (
    "contracts",
    "prisoner_registration",
    "casualty_report",
    "open_source",
    "inquiry",
    "other",
)

# Source reliability, Admiralty (NATO AJP-2.1) code: A completely reliable … F cannot be judged.
RELIABILITY_GRADES: Final = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}

# Dated facts about a person, in the order a service usually runs.
EVENT_KINDS: Final = (
    "contracted",
    "deployed",
    "wounded",
    "missing",
    "killed",
    "captured",
    "exchanged",
    "repatriated",
    "released",
)

NAME_FIELDS: Final = ("full_name", "given_name", "family_name", "patronymic")
DATE_FIELDS: Final = ("birth_date", "reported_date", "status_date")
COUNTRY_FIELDS: Final = ("citizenship", "birth_country", "document_issuer")
IDENTIFIER_FIELDS: Final = ("document_number", "service_number")
TEXT_FIELDS: Final = (
    "birth_place",
    "residence",  # home or registration address, as written
    "military_unit",
    "rank",
    "recruitment_channel",
    "source_key",
    "note",
)
OTHER_FIELDS: Final = ("sex", "status")

# Every field a source column may be mapped to; event kinds map to event dates.
FIELDS: Final = (
    NAME_FIELDS
    + DATE_FIELDS
    + COUNTRY_FIELDS
    + IDENTIFIER_FIELDS
    + TEXT_FIELDS
    + OTHER_FIELDS
    + EVENT_KINDS
)

# A record must carry at least one of these to be about someone identifiable.
IDENTIFYING_FIELDS: Final = NAME_FIELDS + IDENTIFIER_FIELDS

# A reviewer's verdict on two records (a judgement); `unsure` changes nothing in resolution.
VERDICTS: Final = ("same", "different", "unsure")
