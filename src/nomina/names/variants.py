"""Every plausible Latin spelling of one name token, whatever script it is written in.

Dispatch by the token's letters (see each module for the conventions it follows):
Cyrillic → ``cyrillic`` (ICAO 9303, MVD, GOST, BGN/PCGN, ISO 9, Uzbek; reverse Russian
practical transcription; Kontsevich); Hangul → ``hangul`` (RR, McCune–Reischauer, DPRK,
surname table); Devanagari → ``indic`` (ISO 15919 with schwa deletion); Arabic script →
``arabic``; Han → ``han`` (pinyin); Latin → accents folded, plus the few alternatives
below; anything else → ICU's Any-Latin (via ``romanise``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nomina.names.arabic import arabic_romanisations
from nomina.names.cyrillic import cyrillic_romanisations
from nomina.names.han import han_romanisations, is_han
from nomina.names.hangul import HANGUL_SURNAMES, hangul_romanisations, is_hangul_syllable
from nomina.names.indic import devanagari_romanisations
from nomina.names.scripts import _fold_latin, romanise, valid_text

# Latin letters that look like Cyrillic ones, typed into Cyrillic names ("Ивaнов" with a
# Latin a) and the other way round; a token is read in the script of most of its letters.
_LATIN_TO_CYRILLIC = str.maketrans("aeopcyxkmthbAEOPCYXKMTHB", "аеорсухкмтнвАЕОРСУХКМТНВ")
_CYRILLIC_TO_LATIN = str.maketrans("аеорсухкмтнвАЕОРСУХКМТНВ", "aeopcyxkmthbAEOPCYXKMTHB")
_CYRILLIC = re.compile(r"[\u0400-\u04ff\u0500-\u052f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")

# Latin letters beyond Latin-1 that the accent fold gets wrong or drops: Azerbaijani ə
# (Əliyev, Russian Алиев), Turkish dotless ı, German ß.
_LATIN_EXTRA = str.maketrans({"ə": "a", "Ə": "a", "ı": "i", "ß": "ss"})
_APOSTROPHES = dict.fromkeys(map(ord, "'’ʼʻ`´‘"))
# German umlauts are also written as two letters in passports (ICAO 9303 Part 3 §6: Ä AE,
# Ö OE, Ü UE), which is how Müller can meet Mueller; Russian writes Мюллер.
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_NOT_LETTER = re.compile(r"[^a-z\-]+")

# Latin spellings of Korean surnames, each with the other spellings of the same surname
# (Lee ↔ Ri ↔ Rhee; Park ↔ Pak; Choi ↔ Choe), from the table in ``hangul``.
_KOREAN_LATIN: dict[str, tuple[str, ...]] = {}
for _spellings in HANGUL_SURNAMES.values():
    for _word in _spellings:
        if len(_word) > 1:
            _KOREAN_LATIN[_word] = tuple(dict.fromkeys(_KOREAN_LATIN.get(_word, ()) + _spellings))


def _clean(value: str) -> str:
    return _NOT_LETTER.sub("", value.lower()).strip("-")


def _latin_spellings(token: str) -> list[str]:
    value = unicodedata.normalize("NFC", token).translate(_APOSTROPHES).translate(_LATIN_EXTRA)
    lower = value.lower()
    out = [_clean(_fold_latin(lower))]
    if any(c in lower for c in "äöü"):
        out.append(_clean(_fold_latin(lower.translate(_UMLAUTS))))
    if "x" in out[0]:
        # x is ks in European names (Maxim ↔ Максим), kh in Uzbek Latin (Baxtiyor ↔
        # Бахтиёр; the skeleton's reading)
        out.append(out[0].replace("x", "ks"))
    out.extend(_KOREAN_LATIN.get(out[0], ()))
    return out


def _script_of(token: str) -> str:
    cyrillic = len(_CYRILLIC.findall(token))
    latin = len(_LATIN.findall(token))
    if cyrillic and latin:
        return "Cyrillic" if cyrillic >= latin else "Latin"
    if cyrillic:
        return "Cyrillic"
    for char in token:
        if is_hangul_syllable(char):
            return "Hangul"
        if "\u0900" <= char <= "\u097f":
            return "Devanagari"
        if "\u0600" <= char <= "\u06ff":
            return "Arabic"
        if is_han(char):
            return "Han"
    return "Latin" if latin else "Other"


@lru_cache(maxsize=1 << 17)
def spellings(token: str) -> tuple[str, ...]:
    """Latin spellings of one name token, the most standard first (``romanisations``
    as an ordered tuple, which blocking keys use to stay few)."""
    token = valid_text(token)
    script = _script_of(token)
    out: list[str] = []
    if script == "Cyrillic":
        out += cyrillic_romanisations(token.translate(_LATIN_TO_CYRILLIC))
    elif script == "Latin":
        out += _latin_spellings(token.translate(_CYRILLIC_TO_LATIN))
    elif script == "Hangul":
        out += hangul_romanisations(token)
    elif script == "Devanagari":
        out += devanagari_romanisations(token)
    elif script == "Arabic":
        out += arabic_romanisations(token)
    elif script == "Han":
        out += han_romanisations(token)
    if not out:
        out.append(romanise(token))
    # A letter no table knows (Ѐ, a Cyrillic E with a grave accent) keeps only its base.
    folded = (_fold_ascii(v) for v in out)
    return tuple(dict.fromkeys(v for v in folded if v.strip(" -")))


def _fold_ascii(value: str) -> str:
    if value.isascii():
        return value.lower()
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()


def romanisations(token: str) -> frozenset[str]:
    """Every plausible lower-case ASCII rendering of one name token (see module doc):
    romanisations("Ын") ⊇ {"yn", "un"}; romanisations("최") ⊇ {"choe", "choi"}."""
    return frozenset(spellings(token))
