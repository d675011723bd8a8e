"""Spelling skeletons: one key for the many Latin spellings of one sounded name.

A name that reached Latin letters through different tables (ICAO 9303 "Iuliia", the old
MVD "Yuliya", ISO 9 "Julija"; Revised Romanisation "Jeong", McCune–Reischauer "Chong",
DPRK "Jong") differs in a few predictable places. ``skeleton`` rewrites those places to
one form, so equal skeletons mean "spelt the same way once the tables are set aside".

Rules, applied until nothing changes (so the result is stable and idempotent):

letters and digraphs (passport tables and Russian practical transcription):
    shch/sch → sh (Щ: ICAO SHCH, German SCH), tch → ch, dzh/dj/zh → j (Дж, Ж), kh → h and
    x → h (Х: ICAO KH, Uzbek Latin X), gh → g (Uzbek Gʻ, Arabic غ), ph → f, ck → k,
    c before e/i/y → s and other c → k (Romance and English spelling; ch is kept),
    q → k (Uzbek Q, Arabic ق), w → v (Korean wa/wo, Russian В), z → s (Spanish seseo,
    Гонсалес ↔ González), y → i (Я ya/ia, Й y/i, Ы y), j before a/u → i (Julija ↔ Yulia,
    so ya/ia/ja → ia and yu/iu/ju → iu);
vowels (Korean romanisations and Central Asian passport spellings):
    initial ie → e (Е: Yevgeniy ↔ Evgenii), vowel + ie → vowel + e (Abdullayev ↔
    Abdullaev: MVD writes е after a vowel as YE, ICAO as E), eo → o and eu → u (Korean
    ㅓ, ㅡ: RR eo/eu, McCune–Reischauer and DPRK o/u), ae → e (ㅐ, Cyrillic Э), oo → u
    and ou → u (Soo ↔ Su, Youssef ↔ Yusuf), ee → i (Lee, Suneeta ↔ Sunita);
    h after a vowel at the end, and in "ohn", is silent (Sarah ↔ Сара, Abdullah ↔
    Абдулла, John ↔ Джон); elsewhere it is kept (Bakhtiyor, Rahmon, Ahmed);
doubled letters are written once (Abdullaev ↔ Abdulaev, Iuliia ↔ Yulia).

What is deliberately NOT folded: voicing (k/g, t/d, p/b, ch/j: Korean romanisations
differ there, but so do many different names; those alternatives come from
``romanisations`` instead), th/t and bh/b (Nepali Thapa and Tapa are different names),
and word endings (Ivanov and Ivanova are different people).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nomina.names.scripts import romanise, valid_text

_LETTERS = {
    "shch": "sh", "sch": "sh", "tch": "ch", "dzh": "j", "dj": "j", "zh": "j", "kh": "h",
    "gh": "g", "ph": "f", "ck": "k", "ch": "ch", "sh": "sh", "q": "k", "x": "h", "w": "v",
    "z": "s", "y": "i",
}  # fmt: skip
_LETTER_RE = re.compile(r"shch|sch|tch|dzh|dj|zh|kh|gh|ph|ck|ch|sh|c|q|x|w|z|y|j(?=[au])")


def _letter(match: re.Match[str]) -> str:
    text = match.group()
    if text == "c":  # soft before e/i/y (Cecilia, Vicente), hard elsewhere (Carlos)
        return "s" if match.string[match.end() : match.end() + 1] in ("e", "i", "y") else "k"
    if text == "j":  # only matched before a/u
        return "i"
    return _LETTERS[text]


_VOWELS = {"eo": "o", "eu": "u", "ae": "e", "oo": "u", "ou": "u", "ee": "i"}
_VOWEL_RE = re.compile("eo|eu|ae|oo|ou|ee")
_INITIAL_IE = re.compile(r"^ie")
_VOWEL_IE = re.compile(r"([aeiou])ie")
_SILENT_H = re.compile(r"([aeiou])h$|(o)h(?=n)")
_DOUBLE = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-z]+")


def _pass(value: str) -> str:
    # vowel pairs before letters, so Korean "Jae" is "je" (ㅐ) before j-before-a is read
    value = _VOWEL_RE.sub(lambda m: _VOWELS[m.group()], value)
    value = _LETTER_RE.sub(_letter, value)
    value = _INITIAL_IE.sub("e", value)
    value = _VOWEL_IE.sub(r"\1e", value)
    value = _SILENT_H.sub(lambda m: m.group(1) or m.group(2), value)
    return _DOUBLE.sub(r"\1", value)


def _ascii_letters(text: str) -> str:
    value = text.lower()
    if not value.isascii():
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
        if not value.strip():
            value = romanise(text)
    return _NOT_LETTER.sub("", value)


@lru_cache(maxsize=1 << 17)
def skeleton(text: str) -> str:
    """Spelling skeleton of a romanised name token: lower-case a–z only, see module doc.

    Anything not yet in Latin letters is romanised first; spaces, hyphens, digits and
    punctuation are dropped, so "Jong-un" and "Jongun" share a skeleton.
    """
    value = _ascii_letters(valid_text(text))
    for _ in range(12):  # every rule shortens or simplifies, so this ends in a few passes
        new = _pass(value)
        if new == value:
            break
        value = new
    return value


_CONSONANTS = re.compile(r"[aeiou]+")


@lru_cache(maxsize=1 << 16)
def consonant_key(text: str) -> str:
    """The skeleton without vowels and without a final h: what an unvowelled script
    (Arabic, Persian, Urdu) writes of a name, so "Muhammad" and "محمد" both give "mhmd",
    "Fatima" and "فاطمة" both "ftm"."""
    value = _CONSONANTS.sub("", skeleton(text))
    return value[:-1] if value.endswith("h") and len(value) > 1 else value
