"""Reference data: the territory table countries are coded against."""

from nomina.reference.territories import (
    DEPENDENCY,
    OCCUPIED,
    PARTLY_RECOGNISED,
    RECOGNISED,
    TERRITORY_STATUSES,
    UNRECOGNISED,
    Territory,
    get_territory,
    list_territories,
    lookup_territory,
    territory_codes_in,
)

__all__ = [
    "DEPENDENCY",
    "OCCUPIED",
    "PARTLY_RECOGNISED",
    "RECOGNISED",
    "TERRITORY_STATUSES",
    "UNRECOGNISED",
    "Territory",
    "get_territory",
    "list_territories",
    "lookup_territory",
    "territory_codes_in",
]
