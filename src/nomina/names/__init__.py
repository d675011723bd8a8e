"""Personal names: scripts, romanisations, spelling skeletons, parsing and comparison
(the base identity resolution builds on)."""

from nomina.names.compare import (
    NameParts,
    compare_csv,
    compare_names,
    name_keys,
    name_parts,
    unit_consonants,
    unit_keys,
    unit_skeletons,
)
from nomina.names.parse import ParsedName, parse_name
from nomina.names.scripts import detect_script, romanise
from nomina.names.skeleton import consonant_key, skeleton
from nomina.names.variants import romanisations

__all__ = [
    "NameParts",
    "ParsedName",
    "compare_csv",
    "compare_names",
    "consonant_key",
    "detect_script",
    "name_keys",
    "name_parts",
    "parse_name",
    "romanisations",
    "romanise",
    "skeleton",
    "unit_consonants",
    "unit_keys",
    "unit_skeletons",
]
