"""Every spelling of one name part: native script, passport Latin, other Latin, Cyrillic.

A name part (a given name, a surname) is converted once and cached: pools are finite, so
the cache stays small while a million records are written. Which convention applies is
the pool's `kind` (pools.py); the conventions themselves live in brahmic.py, korean.py,
latin.py and russian.py. Noise is added later, per record (noise.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import korean
from .brahmic import brahmic_name
from .curated import ARABIC
from .latin import (
    bulgarian_latin,
    cyr_to_latin,
    icao_latin,
    icu_latin,
    palladius,
    pinyin_plain,
    uzbek_cyrillic,
    uzbek_passport,
)
from .pools import POOLS
from .russian import to_cyrillic

# Spellings that usage has fixed against the letter-by-letter rule (Nepali passports).
_LATIN_FIXED = {"श्रेष्ठ": "Shrestha", "बहादुर": "Bahadur", "लिम्बु": "Limbu"}
_DEASPIRATE = (("тх", "т"), ("кх", "к"), ("пх", "п"), ("бх", "б"), ("дх", "д"), ("чх", "ч"), ("гх", "г"))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Forms:
    native: str
    passport: tuple[str, ...]  # A–Z only; [0] is the current passport
    latin: tuple[str, ...]  # as news, lists and families write it; [0] the most usual
    cyr: tuple[str, ...]  # as Russian clerks write it; [0] the most usual


def _uniq(*items: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _words(text: str, fn: object) -> list[tuple[str, ...]]:
    return [fn(w) for w in text.split()]  # type: ignore[operator]


def _join(per_word: list[tuple[str, ...]], i: int) -> str:
    return " ".join(w[i] if i < len(w) else w[0] for w in per_word)


def _variants(per_word: list[tuple[str, ...]]) -> tuple[str, ...]:
    n = max((len(w) for w in per_word), default=1)
    return _uniq(*(_join(per_word, i) for i in range(n)))


@lru_cache(maxsize=300_000)
def part_forms(pool_key: str, role: str, text: str, north: bool = False) -> Forms:
    """All spellings of one name part; `role` is given, family or father."""
    pool = POOLS[pool_key]
    kind = pool.kind
    lang = pool.family_lang if role == "family" else pool.given_lang
    if kind == "latin":
        cyr = _uniq(
            " ".join(to_cyrillic(w, lang) for w in text.split()),
            " ".join(to_cyrillic(w, "generic") for w in text.split()),
        )
        return Forms(text, (icao_latin(text),), _uniq(text, _fold(text)), cyr)
    if kind == "uz":
        uz = _words(text, uzbek_cyrillic)
        plain = " ".join(w.replace("‘", "'").replace("’", "'") for w in text.split())
        # Clerks who copy a Latin passport read Uzbek x as "кс" (Shohrux → Шохрукс).
        misread = " ".join(to_cyrillic(w, "generic") for w in uzbek_passport(text).split())
        cyr = _uniq(_join(uz, 1), misread.title())
        return Forms(text, (uzbek_passport(text),), _uniq(plain, uzbek_passport(text).title()), cyr)
    if kind == "cyr":
        schemas = ("icao", "mvd310", "mvd782")
        passport = _uniq(*(icao_latin(cyr_to_latin(text, s)) for s in schemas))
        latin = _uniq(*(cyr_to_latin(text, s) for s in ("bgn", "wiki", "icao")))
        return Forms(text, passport, latin, (text,))
    if kind == "bg":
        lat = bulgarian_latin(text)
        return Forms(text, (icao_latin(lat),), (lat,), (text.replace("ъ", "ы"),))
    if kind in ("deva_ne", "deva_hi", "beng", "sinh"):
        script = {"deva_ne": "deva", "deva_hi": "deva", "beng": "beng", "sinh": "sinh"}[kind]
        lat, alt, cyr = brahmic_name(text, script, nepali=kind == "deva_ne")
        fixed = " ".join(
            _LATIN_FIXED.get(w.replace("\u200d", ""), "")
            or brahmic_name(w, script, kind == "deva_ne")[0]
            for w in text.split()
        )
        bare = cyr
        for a, b in _DEASPIRATE:
            bare = bare.replace(a, b)
        return Forms(
            text,
            _uniq(icao_latin(fixed), icao_latin(lat)),
            _uniq(fixed, lat, alt),
            _uniq(cyr, bare),
        )
    if kind == "ko":
        native = korean.north_hangul(text) if north and role == "family" else text
        fn = korean.surname_forms if role == "family" else korean.given_forms
        passport, others, russian = fn(text, north)
        return Forms(native, (icao_latin(passport),), _uniq(passport, *others), russian)
    if kind == "zh":
        syllables = [pinyin_plain(s) for s in icu_latin(text).split()]
        pinyin = "".join(syllables).replace("ü", "u" if role == "family" else "v").capitalize()
        cyr = "".join(palladius(s) for s in syllables).capitalize()
        return Forms(text, (icao_latin(pinyin),), (pinyin,), (cyr,))
    if kind == "ar":
        lat, ru = ARABIC[text]
        return Forms(text, _uniq(*(icao_latin(x) for x in lat[:1])), lat, ru)
    if kind == "icu":
        lat = " ".join(w.capitalize() for w in icu_latin(text).replace("\u0331", "").split())
        plain = _fold(lat)
        cyr = " ".join(to_cyrillic(w, lang or "generic") for w in plain.split())
        return Forms(text, (icao_latin(plain),), _uniq(plain, lat), (cyr,))
    raise ValueError(f"unknown pool kind {kind!r}")


def russian_patronymic(father_cyr: str, female: bool) -> str:
    """Russian patronymic from a father's name in Cyrillic (Бахтиёр → Бахтиёрович)."""
    base = father_cyr.split()[0]
    if base.endswith(("а", "я")):
        return base[:-1] + ("ична" if female else "ич")
    if base.endswith(("й", "ь")):
        return base[:-1] + ("евна" if female else "евич")
    if base[-1:] in "жчшщцоиуеэы":
        return base + ("евна" if female else "евич")  # Сайфулло → Сайфуллоевич
    return base + ("овна" if female else "ович")
