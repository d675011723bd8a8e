"""The reference table of territories that citizenship, birth country and document issuer
are coded against, and the alias lookup that maps what a source wrote to a code.

The table is ISO 3166-1 (every country pycountry knows) plus the partly recognised,
unrecognised and occupied territories a person's papers may name (Abkhazia, South
Ossetia, Transnistria, Northern Cyprus, Kosovo, Somaliland, the Russian-declared
"republics" in occupied Ukraine). Sub-national regions are not in the table, so
"Moscow" or "Bavaria" never resolve.

Names come from maintained datasets, in this order of precedence:

0. ``aliases.yaml`` in this package: only what the datasets below lack (RU "РФ", Korean
   "조선", abbreviations...), and the names dropped as ambiguous ("Korea", "Конго").
1. Codes, and pycountry's ISO 3166-1 names with its gettext translations (``ru``, ``uk``).
2. rigour's territory names (``name``, ``full_name``, ``names_strong``).
3. rigour's ``names_weak`` (names in ~100 languages from Wikidata/CLDR).

rigour's ``places`` (capital cities) are deliberately not used. A key claimed by two
territories at its best tier is dropped as ambiguous.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import pycountry
import rigour.territories as rt
import yaml

from nomina.reference._forms import (
    ABBREVIATIONS,
    CITIZEN_WORDS,
    inflection_candidates,
    key,
    lookalike_keys,
    words,
)

# Status of a territory in the table.
RECOGNISED = "recognised"  # UN member state or the Holy See (UN observer state)
PARTLY_RECOGNISED = "partly_recognised"  # recognised by at least one UN member state
UNRECOGNISED = "unrecognised"  # recognised by no UN member state
OCCUPIED = "occupied"  # part of a UN member state, under a "republic" declared by an occupier
DEPENDENCY = "dependency"  # ISO 3166-1 entry that is not a sovereign state
TERRITORY_STATUSES = (RECOGNISED, PARTLY_RECOGNISED, UNRECOGNISED, OCCUPIED, DEPENDENCY)


@dataclass(frozen=True, slots=True)
class Territory:
    """One entry of the reference table."""

    code: str  # stable code: ISO alpha-2 ("NP"), else rigour's code upper-cased ("GE-AB")
    name: str  # English short name
    name_ru: str | None
    name_uk: str | None
    status: str  # one of TERRITORY_STATUSES
    region: str | None  # rigour's region ("Asia"), for folding small countries later
    subregion: str | None  # rigour's subregion ("Southern Asia")
    alpha3: str | None


# ISO 3166-1 entries that are not sovereign states (UN M49 lists them as areas, not
# members): overseas territories, crown dependencies, SARs, free-association states
# (Cook Islands, Niue) and Antarctica. 249 ISO entries - 52 = 193 UN members + VA + the
# three partly recognised below.
_DEPENDENCIES = frozenset(
    "AS AI AQ AW AX BM BQ BV IO VG KY CX CC CK CW FK FO GF PF TF GI GL GP GU GG HM HK IM "
    "JE MO MQ YT MS NC NU NF MP PN PR RE BL SH MF PM SX GS SJ TK TC UM VI WF".split()
)
# ISO entries whose statehood is recognised by some UN members only: Taiwan (ROC),
# Palestine (UN observer state), Western Sahara (the Sahrawi Arab Democratic Republic).
_ISO_PARTLY_RECOGNISED = frozenset({"TW", "PS", "EH"})

# Territories outside ISO 3166-1: rigour code, English, Russian, Ukrainian name, status.
# Recognition as of 2025-12: Kosovo (~100 UN members), Abkhazia and South Ossetia (Russia
# and a few others), Northern Cyprus (Turkey), Somaliland (Israel, 2025-12-26);
# Transnistria by none. DPR/LPR/Crimea: Russian-declared entities on occupied Ukrainian
# territory (UNGA resolutions 68/262 and ES-11/4).
_EXTRA: tuple[tuple[str, str, str, str, str], ...] = (
    ("xk", "Kosovo", "Косово", "Косово", PARTLY_RECOGNISED),
    ("ge-ab", "Abkhazia", "Абхазия", "Абхазія", PARTLY_RECOGNISED),
    ("x-so", "South Ossetia", "Южная Осетия", "Південна Осетія", PARTLY_RECOGNISED),
    ("cy-trnc", "Northern Cyprus", "Северный Кипр", "Північний Кіпр", PARTLY_RECOGNISED),
    ("so-som", "Somaliland", "Сомалиленд", "Сомаліленд", PARTLY_RECOGNISED),
    ("md-pmr", "Transnistria", "Приднестровье", "Придністров'я", UNRECOGNISED),
    (
        "ua-dpr",
        "Donetsk (occupied Ukraine)",
        "Донецк (оккупированная часть Украины)",
        "Донецьк (тимчасово окупована територія України)",
        OCCUPIED,
    ),
    (
        "ua-lpr",
        "Luhansk (occupied Ukraine)",
        "Луганск (оккупированная часть Украины)",
        "Луганськ (тимчасово окупована територія України)",
        OCCUPIED,
    ),
    (
        "ua-cri",
        "Crimea (occupied Ukraine)",
        "Крым (оккупированная часть Украины)",
        "Крим (тимчасово окупована територія України)",
        OCCUPIED,
    ),
)


@cache
def _translations() -> tuple[gettext.NullTranslations, gettext.NullTranslations]:
    def load(lang: str) -> gettext.NullTranslations:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])

    return load("ru"), load("uk")


def _translate(tr: gettext.NullTranslations, *names: str | None) -> list[str]:
    """pycountry translations of the given English names (untranslated ones skipped)."""
    out = []
    for name in names:
        if name and (translated := tr.gettext(name)) != name:
            out.append(translated)
    return out


def _uninvert(name: str) -> str | None:
    """ISO's inverted form to natural order: 'Korea, Republic of' → 'Republic of Korea'."""
    if ", " not in name:
        return None
    head, _, tail = name.partition(", ")
    return re.sub(r"^(the|The)\s+", "", f"{tail} {head}")


@cache
def _table() -> tuple[dict[str, Territory], list[tuple[int, str, str]]]:
    """The reference table and its (tier, name, code) aliases, built once."""
    ru, uk = _translations()
    table: dict[str, Territory] = {}
    names: list[tuple[int, str, str]] = []

    def add_rigour_names(code: str, rcode: str) -> None:
        r = rt.get_territory(rcode)
        if r is None:  # pragma: no cover - rigour ships every ISO code
            return
        names.extend((1, c, code) for c in r.codes)
        names.extend((2, n, code) for n in (r.name, r.full_name))
        for tier, field in ((2, "names_strong"), (3, "names_weak")):
            names.extend((tier, n, code) for n in _rigour_names(rcode).get(field, ()))

    for country in pycountry.countries:
        code = country.alpha_2
        r = rt.get_territory(code.lower())
        english = [country.name, getattr(country, "official_name", None)]
        english.append(getattr(country, "common_name", None))
        own = [n for n in english if n]
        own += _translate(ru, *english) + _translate(uk, *english)
        own += [u for n in own if (u := _uninvert(n))]
        names.extend((1, n, code) for n in own)
        names.append((1, country.alpha_3, code))
        add_rigour_names(code, code.lower())
        common = getattr(country, "common_name", None)
        if code in _DEPENDENCIES:
            status = DEPENDENCY
        elif code in _ISO_PARTLY_RECOGNISED:
            status = PARTLY_RECOGNISED
        else:
            status = RECOGNISED
        table[code] = Territory(
            code=code,
            name=r.name if r else country.name,
            name_ru=(_translate(ru, common, country.name) or [None])[0],
            name_uk=(_translate(uk, common, country.name) or [None])[0],
            status=status,
            region=r.region if r else None,
            subregion=r.subregion if r else None,
            alpha3=country.alpha_3,
        )

    for rcode, name, name_ru, name_uk, status in _EXTRA:
        r = rt.get_territory(rcode)
        code = rcode.upper()
        names.extend((1, n, code) for n in (code, name, name_ru, name_uk))
        add_rigour_names(code, rcode)
        table[code] = Territory(
            code=code,
            name=name,
            name_ru=name_ru,
            name_uk=name_uk,
            status=status,
            region=r.region if r else None,
            subregion=r.subregion if r else None,
            alpha3=r.alpha3.upper() if r and r.alpha3 else None,
        )
    return dict(sorted(table.items())), names


@cache
def _rigour_data() -> dict[str, dict[str, list[str]]]:
    # rigour's Territory objects do not keep the name lists; read them from its data file.
    from rigour._core import territories_jsonl
    from rigour.data import iter_jsonl_text

    return {d["code"]: d for d in iter_jsonl_text(territories_jsonl())}


def _rigour_names(rcode: str) -> dict[str, list[str]]:
    return _rigour_data().get(rcode, {})


@cache
def _aliases_file() -> dict[str, Any]:
    text = resources.files("nomina.reference").joinpath("aliases.yaml").read_text("utf-8")
    return yaml.safe_load(text) or {}


@cache
def _index() -> dict[str, str]:
    """Lookup key → territory code. A key two territories claim at one tier is dropped."""
    table, names = _table()
    data = _aliases_file()
    entries = list(names)
    for code, aliases in (data.get("aliases") or {}).items():
        if code not in table:
            raise ValueError(f"aliases.yaml: {code!r} is not a code of the reference table")
        entries.extend((0, alias, code) for alias in aliases)
    best: dict[str, tuple[int, set[str]]] = {}
    for tier, name, code in entries:
        k = key(name)
        if not k:
            continue
        current = best.get(k)
        if current is None or tier < current[0]:
            best[k] = (tier, {code})
        elif tier == current[0]:
            current[1].add(code)
    ambiguous = {key(n) for n in data.get("ambiguous") or ()}
    index: dict[str, str] = {}
    for k, (tier, codes) in best.items():
        if len(codes) == 1 and (k not in ambiguous or tier == 0):
            index[k] = next(iter(codes))
    return index


def _direct(text_key: str) -> str | None:
    index = _index()
    code = index.get(text_key)
    if code is None:
        for alt in lookalike_keys(text_key):
            if code := index.get(alt):
                break
    return code


def _from_words(tokens: list[str]) -> str | None:
    """Resolve word tokens, trying nominative forms of inflected Russian/Ukrainian words."""
    if not tokens or len(tokens) > 6:
        return None
    if code := _direct(key(" ".join(tokens))):
        return code
    index = _index()
    found = {index[k] for k in inflection_candidates(tokens) if k in index}
    return found.pop() if len(found) == 1 else None


_REPUBLIC_WORDS = frozenset(
    {"республика", "республики", "республіка", "республіки", "republic", "state"}
)
_PART_SPLIT = re.compile(r"[/()\[\],;|]+")


@lru_cache(maxsize=65536)
def _lookup_code(text: str) -> str | None:
    text_key = key(text)
    if not text_key:
        return None
    if code := _direct(text_key):
        return code
    tokens = [ABBREVIATIONS.get(w, w) for w in words(text)]
    while tokens and tokens[0] in CITIZEN_WORDS:
        tokens = tokens[1:]
    if code := _from_words(tokens):
        return code
    if len(tokens) > 1 and tokens[0] in _REPUBLIC_WORDS:
        if code := _from_words(tokens[1:]):
            return code
    parts = [p for p in _PART_SPLIT.split(text) if key(p)]
    if len(parts) > 1:  # "Непал (Nepal)": every part must name the same territory
        codes = {_lookup_code(p) for p in parts}
        if len(codes) == 1:
            return codes.pop()
    return None


def lookup_territory(text: str) -> Territory | None:
    """The territory a cell names, by any alias in any script; None if unknown or ambiguous.

    Case, spacing, punctuation and accents do not matter; "гражданин Непала",
    "Респ. Узбекистан" and "громадянин Індії" resolve through their nominative forms.
    """
    if not isinstance(text, str):
        return None
    code = _lookup_code(text)
    return None if code is None else _table()[0][code]


def territory_codes_in(text: str) -> list[str]:
    """Codes of the territories named by the parts of a cell ("Россия / Непал" → RU, NP).

    For error messages: tells a cell naming two countries from one naming none.
    """
    codes = [_lookup_code(p) for p in _PART_SPLIT.split(text) if key(p)]
    return list(dict.fromkeys(c for c in codes if c))


def get_territory(code: str) -> Territory | None:
    """The table entry for a code ("NP", "ge-ab"); None if it is not in the table."""
    return _table()[0].get(code.strip().upper()) if isinstance(code, str) else None


def list_territories() -> list[Territory]:
    """The whole reference table, sorted by code."""
    return list(_table()[0].values())
