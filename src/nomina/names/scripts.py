"""Which script a name is written in, and its romanised key.

Names are stored as written; the romanised key is what display, search and blocking
compare across scripts ("Тхапа", "थापा" and "Thapa" all give "thapa").
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache, lru_cache

import icu
import iuliia
from rigour.text.scripts import text_scripts

_CACHE = 1 << 16


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """The text with lone surrogates (which no encoder, ICU or rigour accepts) replaced by
    U+FFFD, so that arbitrary Python strings never crash name handling."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


@lru_cache(maxsize=_CACHE)
def detect_script(text: str) -> str:
    """The Unicode script of a name's letters: "Latin", "Cyrillic", "Hangul", "Devanagari",
    "Arabic", "Han", ...; "Mixed" when letters of two scripts mix (Латиница + Latin,
    Japanese kanji + kana); "Unknown" when there are no letters.

    Scripts are the Unicode Script property (UAX #24) as rigour reports it; digits,
    punctuation and combining marks belong to no script and do not count.
    """
    scripts = text_scripts(valid_text(text))
    if not scripts:
        return "Unknown"
    if len(scripts) > 1:
        return "Mixed"
    return next(iter(scripts))


# Cyrillic letters outside Russian, as ICAO Doc 9303 (Part 3, section 6, the machine
# readable passport standard) writes them; iuliia's ICAO_DOC_9303 schema covers the
# Russian alphabet only. Ukrainian: Ґ→G, Є→IE, І→I, Ї→I; Belarusian Ў→U; Macedonian and
# Serbian letters.
_ICAO_EXTRA = {
    "Ґ": "G", "ґ": "g", "Є": "IE", "є": "ie", "І": "I", "і": "i", "Ї": "I", "ї": "i",
    "Ў": "U", "ў": "u", "Ѓ": "G", "ѓ": "g", "Ђ": "D", "ђ": "d", "Ѕ": "DZ", "ѕ": "dz",
    "Ј": "J", "ј": "j", "Љ": "LJ", "љ": "lj", "Њ": "NJ", "њ": "nj", "Ќ": "K", "ќ": "k",
    "Ћ": "C", "ћ": "c", "Џ": "DZ", "џ": "dz",
}  # fmt: skip
_RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


@cache
def _icao_table() -> dict[int, str]:
    # ICAO_DOC_9303 in iuliia is a plain letter map (no context rules), so one
    # str.translate table gives the same result ~10x faster than iuliia.translate on
    # every name; tests/test_names_scripts.py checks the two agree.
    letters = _RUSSIAN + _RUSSIAN.upper()
    return str.maketrans({**{c: iuliia.ICAO_DOC_9303.translate(c) for c in letters}, **_ICAO_EXTRA})


_CYRILLIC = re.compile(r"[\u0400-\u052f]")

# Devanagari: a word-final consonant carries an inherent "a" that Nepali and Hindi do not
# pronounce (schwa deletion), so "राम" is Ram, not Rama. Adding a virama to a final bare
# consonant makes ICU write it that way. Consonants U+0915-0939 and U+0958-095F; a
# nukta (U+093C) may follow. Conjuncts (क्ष, ष्ण) keep the vowel: "कृष्ण" → "krsna".
_VIRAMA = "\u094d"


def _mark_final_consonants(value: str) -> str:
    words = value.split(" ")
    for i, word in enumerate(words):
        end = len(word) - word.endswith("\u093c")  # a nukta may follow the consonant
        if end < 2:
            continue
        last, before = word[end - 1], word[end - 2]
        if (
            ("\u0915" <= last <= "\u0939" or "\u0958" <= last <= "\u095f")
            and "\u0900" <= before <= "\u0963"
            and before != _VIRAMA
        ):
            words[i] = word + _VIRAMA
    return " ".join(words)


_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
# ISO 15919 letters (ICU's Devanagari-Latin) as Nepali passports and lists spell them:
# च c → ch, छ ch → chh, श ś and ष ṣ → sh, ङ ṅ → ng, ऋ r̥ → ri ("Chhetri", "Sharma",
# "Gurung", "Krishna"). Applied only to names written wholly in Devanagari.
_NEPALI_SPELLING = re.compile("ch|c|ś|ṣ|ṅ|r\u0325")
_NEPALI_LETTERS = {"ch": "chh", "c": "ch", "ś": "sh", "ṣ": "sh", "ṅ": "ng", "r\u0325": "ri"}

_APOSTROPHES = dict.fromkeys(map(ord, "'’ʼʻ`´"))
_NOT_KEY = re.compile(r"[^a-z0-9\-]+")

_local = threading.local()
_LATIN_EXTRA = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"}
)


def _fold_latin(value: str) -> str:
    """ICU Latin output to ASCII: marks stripped (ā → a), the rest of non-ASCII dropped."""
    decomposed = unicodedata.normalize("NFKD", value.translate(_LATIN_EXTRA))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _icu(name: str) -> icu.Transliterator:
    # ICU transliterators are not documented as thread-safe: one per thread.
    cache = _local.__dict__.setdefault("transliterators", {})
    tr = cache.get(name)
    if tr is None:
        tr = cache[name] = icu.Transliterator.createInstance(name)
    return tr


@lru_cache(maxsize=_CACHE)
def romanise(text: str) -> str:
    """Lower-case ASCII key of a name in any script, for display and search.

    Cyrillic follows ICAO Doc 9303 (passports), with iuliia's ICAO_DOC_9303 schema, so
    "Тхапа" → "tkhapa" and "Щербаков" → "shcherbakov"; every other script goes through
    ICU's Any-Latin (Hangul: Revised Romanization-like Korean-Latin; Devanagari: ISO
    15919 with final schwa deleted; Han: pinyin) and Latin-ASCII. Apostrophes vanish,
    other punctuation becomes a space, hyphens stay.
    """
    value = unicodedata.normalize("NFC", valid_text(text))
    if not value.isascii():
        if _CYRILLIC.search(value):
            value = value.translate(_icao_table())
        if _DEVANAGARI.search(value):
            nepali = detect_script(value) == "Devanagari"
            value = _icu("Any-Latin").transliterate(_mark_final_consonants(value))
            if nepali:
                value = _NEPALI_SPELLING.sub(lambda m: _NEPALI_LETTERS[m.group()], value)
            value = _fold_latin(value)
        if not value.isascii():
            value = _icu("Any-Latin; Latin-ASCII").transliterate(value)
    return _NOT_KEY.sub(" ", value.lower().translate(_APOSTROPHES)).strip()
