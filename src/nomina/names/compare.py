"""Comparing two personal names part by part, across scripts.

Each name is parsed (``parse``) into units: family names, given names (a Hangul given
name one unit per syllable, as the DPRK writes them: Jong Un), patronymic names
(without the Turkic markers). Particles (al, van, de) are left out: lists drop them.

Two units agree by, in order:
  an initial ("J", "И") against a token starting with that letter → 0.75 (weak);
  a shared spelling skeleton of any of their romanisations → 1.0 (Тхапа ~ Thapa,
  최 ~ Choe ~ Чхве, Юлия ~ Julija);
  for Arabic script, a shared consonant key → 0.9 (محمد ~ Muhammad);
  otherwise Jaro–Winkler between skeletons, mapped so that a one-letter slip in a long
  name still counts and the similarity of unrelated short names does not
  (((jw − 0.78) / 0.22) ** 1.5: 0.97 → 0.8, 0.9 → 0.4, 0.83 → 0.05);
  and at least 0.9 if rigour's name symbols (Wikidata given/family-name items) say the
  two are forms of one name (Mohammed ~ Muhammad, Aleksandr ~ Alexander).

Units are then paired greedily, best agreement first, in any order (so a swapped order
still matches). The score is a weighted geometric mean over the units (first family and
first given name weigh 1.0, further given/family names 0.7, patronymic names 0.5):

  * a pair that agrees (≥ 0.5) counts its agreement (× 0.98 if one is a family name and
    the other a given name);
  * a pair that disagrees where one is a first family/given name, or both are given
    names, or both family names, is a conflict and counts its agreement (at least 0.03
    for a first name, 0.05 otherwise): a different given name outweighs a shared surname
    (Kim Jong Un vs Kim Yong Nam);
  * a unit with no partner (a patronymic, a second surname or second given name only one
    side has, a Hispanic maternal surname dropped) counts 0.85 — it costs little — and
    0.6 when it is a first name;
  * given names written joined on one side and split on the other (Jongun / Jong Un,
    Seongmin / Сон Мин) are also compared joined, and the better reading is kept.

The score is symmetric, 1.0 for a name against itself, and in [0, 1].
"""

from __future__ import annotations

import csv
import itertools
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TextIO

from rapidfuzz.distance import JaroWinkler
from rigour.names import NameTypeTag, analyze_names
from rigour.names.symbol import SymbolCategory

from nomina.names.parse import ParsedName, is_marker, parse_name, tokens
from nomina.names.skeleton import consonant_key, skeleton
from nomina.names.variants import spellings

_JOIN = "\u2060"  # word joiner: separates the parts of a joined unit
_INITIAL = 0.75
_SYMBOL = 0.9
_CONSONANT = 0.9
_MISSING = 0.85
_MISSING_FIRST = 0.6
_FLOOR_FIRST = 0.03
_FLOOR_OTHER = 0.05
_ROLE_SWAP = 0.98
_FUZZY_KEYS = 4
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_INITIAL_LETTER = re.compile(r"^[A-Za-z\u0400-\u04ff]$")


@dataclass(frozen=True, slots=True)
class _Token:
    keys: frozenset[str]
    fuzzy: tuple[str, ...]
    consonants: frozenset[str]
    arabic: bool
    symbols: frozenset[str]
    initial: str
    firsts: frozenset[str]


def _symbols(text: str, primary: str) -> frozenset[str]:
    """rigour's NAME symbols (Wikidata name items) of a one-token name."""
    if len(primary) < 4:
        return frozenset()
    forms = [text] if text.isascii() else [text, primary]
    out = set()
    # Symbols only: rigour's rewriting and number tagging change no name symbol of a
    # single token and cost a hundred times the lookup.
    analysed = analyze_names(
        NameTypeTag.PER, forms, consolidate=False, phonetics=False, numerics=False, rewrite=False
    )
    for name in analysed:
        for span in name.spans:
            if span.symbol.category == SymbolCategory.NAME and len(span.parts) == 1:
                out.add(span.symbol.id)
    return frozenset(out)


@lru_cache(maxsize=1 << 17)
def _token(text: str) -> _Token:
    parts = text.split(_JOIN)
    if len(parts) > 1:  # a joined unit: spellings of the parts written together
        options = [spellings(p)[:6] for p in parts]
        spelt = ["".join(p) for p in itertools.islice(itertools.product(*options), 32)]
    else:
        spelt = list(spellings(text))
    skeletons = [s for s in dict.fromkeys(skeleton(v) for v in spelt) if s]
    if not skeletons:  # nothing romanisable: compare as written
        skeletons = ["\x00" + text.casefold()]
    arabic = bool(_ARABIC.search(text))
    consonants = frozenset(consonant_key(v) for v in (spelt if arabic else skeletons))
    bare = text.rstrip(".")
    initial = skeletons[0][0] if _INITIAL_LETTER.match(bare) else ""
    return _Token(
        keys=frozenset(skeletons),
        fuzzy=tuple(skeletons[:_FUZZY_KEYS]),
        consonants=frozenset(c for c in consonants if c),
        arabic=arabic,
        symbols=frozenset() if initial or len(parts) > 1 else _symbols(text, skeletons[0]),
        initial=initial,
        firsts=frozenset(s[0] for s in skeletons),
    )


def _jaro_winkler(
    left: tuple[str, ...] | frozenset[str], right: tuple[str, ...] | frozenset[str]
) -> float:
    return max((JaroWinkler.normalized_similarity(a, b) for a in left for b in right), default=0.0)


def _curve(similarity: float) -> float:
    return max(0.0, min(1.0, (similarity - 0.78) / 0.22)) ** 1.5


@lru_cache(maxsize=1 << 18)
def _agreement(left: str, right: str) -> float:
    a, b = _token(left), _token(right)
    if a.initial or b.initial:
        if a.initial and b.initial:
            return 1.0 if a.initial == b.initial else 0.0
        letter, other = (a.initial, b) if a.initial else (b.initial, a)
        return _INITIAL if letter in other.firsts else 0.0
    if a.keys & b.keys:
        return 1.0
    if a.arabic or b.arabic:
        shared = a.consonants & b.consonants
        if any(len(c) > 1 for c in shared):
            return _CONSONANT
        agreement = _curve(_jaro_winkler(a.consonants, b.consonants)) * _CONSONANT
    else:
        agreement = _curve(_jaro_winkler(a.fuzzy, b.fuzzy))
    # short syllables (Jong, Yong: Korean and Chinese readings) share items too loosely
    if a.symbols & b.symbols and max(len(a.fuzzy[0]), len(b.fuzzy[0])) >= 5:
        agreement = max(agreement, _SYMBOL)
    return agreement


# The Arabic definite article, also as assimilated before sun letters (at-Tamimi,
# ad-Din, ash-Shami) and in Russian transcription (аль-, ат-, аш-): lists keep or drop it.
_ARTICLES = frozenset(
    "al el ad ar as ash at ath az an adh ud ul аль ал эль ад ар ас аш ат аз ан".split()
)


def _without_article(token: str) -> str:
    head, dash, rest = token.partition("-")
    return rest if dash and rest and head.casefold() in _ARTICLES else token


# A unit: (token, group "G"/"F"/"P", weight).
_Unit = tuple[str, str, float]


@lru_cache(maxsize=1 << 16)
def _units(name: ParsedName, joined: bool = False) -> tuple[_Unit, ...]:
    given: list[str] = []
    for token in name.given:
        for part in token.split("-"):
            if part and all("\uac00" <= c <= "\ud7a3" for c in part):
                given.extend(part)  # Hangul given names: one unit per syllable
            elif part:
                given.append(part)
    if joined and len(given) > 1:
        given = [_JOIN.join(given)]
    family = [p for t in name.family for p in _without_article(t).split("-") if p]
    patronymic = [p for t in name.patronymic if not is_marker(t) for p in t.split("-") if p]
    units = [(t, "G", 1.0 if i == 0 else 0.7) for i, t in enumerate(given)]
    units += [(t, "F", 1.0 if i == 0 else 0.7) for i, t in enumerate(family)]
    units += [(t, "P", 0.5) for t in patronymic]
    if not units:  # only particles or markers: compare what there is
        units = [(t, "G", 1.0) for t in tokens(name.original)]
    return tuple(units)


def _score(left: tuple[_Unit, ...], right: tuple[_Unit, ...]) -> float:
    candidates = sorted(
        (
            (_agreement(a[0], b[0]), a[1] == b[1], -i, -j)
            for i, a in enumerate(left)
            for j, b in enumerate(right)
        ),
        reverse=True,
    )
    used_left: set[int] = set()
    used_right: set[int] = set()
    total = weights = 0.0

    def add(value: float, weight: float) -> None:
        nonlocal total, weights
        total += weight * math.log(value)
        weights += weight

    for agreement, same_group, i, j in candidates:
        i, j = -i, -j
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        (_, group_a, weight_a), (_, group_b, weight_b) = left[i], right[j]
        weight = (weight_a + weight_b) / 2
        first = weight_a >= 1.0 or weight_b >= 1.0
        if agreement >= 0.5:
            add(
                agreement * (1.0 if same_group or "P" in (group_a, group_b) else _ROLE_SWAP), weight
            )
        elif first or same_group:
            add(max(agreement, _FLOOR_FIRST if first else _FLOOR_OTHER), weight)
        else:  # e.g. a second given name against a maternal surname: both just missing
            add(_MISSING, weight_a)
            add(_MISSING, weight_b)
    for units, used in ((left, used_left), (right, used_right)):
        for k, (_, _, weight) in enumerate(units):
            if k not in used:
                add(_MISSING_FIRST if weight >= 1.0 else _MISSING, weight)
    return math.exp(total / weights) if weights else 0.0


def _given_count(units: tuple[_Unit, ...]) -> int:
    return sum(1 for _, group, _ in units if group == "G")


@lru_cache(maxsize=1 << 16)
def _compare_parsed(left: ParsedName, right: ParsedName) -> float:
    a, b = _units(left), _units(right)
    if not a or not b:  # no name tokens (only apostrophes, marks): equal text or nothing
        same = left.original.casefold() == right.original.casefold()
        return 1.0 if same and any(c.isalpha() for c in left.original) else 0.0
    score = _score(a, b)
    if score < 0.98 and _given_count(a) != _given_count(b):
        score = max(score, _score(_units(left, True), b), _score(a, _units(right, True)))
    return min(1.0, max(0.0, score))


def _order_key(name: ParsedName) -> tuple[str | tuple[str, ...], ...]:
    return (name.original, name.given, name.family, name.patronymic, name.particles, name.script)


def compare_names(left: str | ParsedName, right: str | ParsedName) -> float:
    """How likely two written names are one person's, in [0, 1] (see module doc)."""
    a = left if isinstance(left, ParsedName) else parse_name(left)
    b = right if isinstance(right, ParsedName) else parse_name(right)
    if _order_key(b) < _order_key(a):  # one canonical order: the score is symmetric
        a, b = b, a
    return _compare_parsed(a, b)


@lru_cache(maxsize=1 << 18)
def unit_keys(token: str) -> frozenset[str]:
    """Keys under which one name unit fully agrees with another, as plain strings a
    database can intersect: the skeletons of its first few romanisations (Ри → ri, li, i;
    Lee → li, i, rhi: they meet on li) and, for names of five letters or more, "s:" +
    rigour's name symbols (Mohammed ~ Muhammad). Initials have none."""
    info = _token(token)
    if info.initial:
        return frozenset()
    out = {k for k in info.fuzzy if not k.startswith("\x00")}
    # The article written joined (Alahmad, Eltamimi) keys as the name without it.
    out.update(k[2:] for k in list(out) if k.startswith(("al", "el")) and len(k) >= 7)
    if len(info.fuzzy[0]) >= 5:
        out.update("s:" + symbol for symbol in info.symbols)
    return frozenset(out)


def unit_skeletons(token: str) -> tuple[str, ...]:
    """Skeletons of a unit's first few romanisations, the most usual reading first."""
    return tuple(k for k in _token(token).fuzzy if not k.startswith("\x00"))


@lru_cache(maxsize=1 << 18)
def unit_consonants(token: str) -> frozenset[str]:
    """Consonant keys of three consonants or more (محمد ~ Muhammad: mhmd; Toshv ~ Toshev):
    weaker agreement than `unit_keys`, what an unvowelled script or a dropped vowel leaves."""
    info = _token(token)
    return frozenset() if info.initial else frozenset(c for c in info.consonants if len(c) >= 3)


@dataclass(frozen=True)
class NameParts:
    """A name's units by role, in written order (hyphenated parts split, Hangul given
    names one unit per syllable), as `compare_names` pairs them."""

    given: tuple[str, ...]
    family: tuple[str, ...]
    patronymic: tuple[str, ...]


def name_parts(name: ParsedName) -> NameParts:
    groups: dict[str, list[str]] = {"G": [], "F": [], "P": []}
    for token, group, _ in _units(name):
        groups[group].append(token)
    return NameParts(tuple(groups["G"]), tuple(groups["F"]), tuple(groups["P"]))


@lru_cache(maxsize=1 << 16)
def name_keys(text: str) -> frozenset[str]:
    """Blocking keys of a name: the `unit_keys` of all its units, and the consonant keys
    of three consonants or more of every unit (Toshev ~ Toshv), looser than agreement."""
    out: set[str] = set()
    for token, _, _ in _units(parse_name(text)):
        out |= unit_keys(token)
        out.update("c:" + c for c in unit_consonants(token))
    return frozenset(out)


def compare_csv(source: TextIO, target: TextIO) -> int:
    """Read a CSV with columns left,right (others passed through) and write it again with
    a ``score`` column (4 decimals; an existing one is overwritten). Returns rows written."""
    reader = csv.DictReader(source)
    columns = list(reader.fieldnames or [])
    missing = [c for c in ("left", "right") if c not in columns]
    if missing:
        found = ", ".join(columns) if columns else "none"
        raise ValueError(
            f"the CSV needs columns 'left' and 'right'; missing: {', '.join(missing)}; "
            f"columns found: {found}"
        )
    writer = csv.DictWriter(target, [*columns, *(["score"] if "score" not in columns else [])])
    writer.writeheader()
    rows = 0
    for row in reader:
        row["score"] = f"{compare_names(row['left'] or '', row['right'] or ''):.4f}"
        writer.writerow(row)
        rows += 1
    return rows
