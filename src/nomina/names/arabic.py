"""Arabic-script names (Arabic, Persian, Urdu, Pashto) read into Latin letters.

A simplified scheme after the UNGEGN/BGN-PCGN romanisation of Arabic (1956/1972) and its
Persian and Urdu extensions, reduced to ASCII: consonants one letter or digraph each
(ش sh, خ kh, غ gh, ث th, ذ dh), ع and hamza dropped, and the letters that spell long
vowels read as vowels (ا a, و u, ي i; و and ي at the start of a word are w and y).

Short vowels are not written in ordinary Arabic script, so "محمد" reads "mhmd" whatever
the person wrote in Latin (Muhammad, Mohammed, Mehmet). These spellings are meant to be
compared through ``consonant_key`` — the Latin name's skeleton without vowels — not
letter by letter; where vowel marks (harakat) are written they are read.

Letters pronounced differently across the Arabic-writing world give several spellings:
ث th or s (Uthman / Usman), ذ dh, z or d, ض d or z, ظ z or dh, ج j or g (Egypt), ق q or
g (Gulf). The article ال (al-, with the sun-letter assimilation ar-, ash-, ...) is also
read away, since Latin lists often drop it (عبد الرحمن Abd ar-Rahman / Abdurahman).
"""

from __future__ import annotations

import itertools
from functools import lru_cache

_LETTERS: dict[str, tuple[str, ...]] = {
    "ا": ("a",), "أ": ("a",), "إ": ("i",), "آ": ("a",), "ٱ": ("a",), "ء": ("",), "ؤ": ("u",),
    "ئ": ("i",), "ب": ("b",), "ت": ("t",), "ث": ("th", "s"), "ج": ("j", "g"), "ح": ("h",),
    "خ": ("kh",), "د": ("d",), "ذ": ("dh", "z", "d"), "ر": ("r",), "ز": ("z",), "س": ("s",),
    "ش": ("sh",), "ص": ("s",), "ض": ("d", "z"), "ط": ("t",), "ظ": ("z", "dh"), "ع": ("",),
    "غ": ("gh",), "ف": ("f",), "ق": ("q", "g"), "ك": ("k",), "ل": ("l",), "م": ("m",),
    "ن": ("n",), "ه": ("h",), "و": ("u",), "ي": ("i",), "ى": ("a",), "ة": ("a",),
    # Persian and Urdu letters
    "پ": ("p",), "چ": ("ch",), "ژ": ("zh",), "گ": ("g",), "ک": ("k",), "ی": ("i",),
    "ە": ("a",), "ۀ": ("a",), "ٹ": ("t",), "ڈ": ("d",), "ڑ": ("r",), "ں": ("n",),
    "ھ": ("h",), "ے": ("e",), "ۓ": ("e",), "ڭ": ("ng",), "ۇ": ("u",), "ۆ": ("o",),
}  # fmt: skip
# Vowel marks: fatha, damma, kasra, their tanwin forms; sukun and tatweel write nothing.
_MARKS = {
    "\u064e": "a",
    "\u064f": "u",
    "\u0650": "i",
    "\u064b": "an",
    "\u064c": "un",
    "\u064d": "in",
}
_SHADDA = "\u0651"
_SUN_LETTERS = set("تثدذرزسشصضطظلن")
_MAX_VARIANTS = 16


def _segments(word: str) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for i, char in enumerate(word):
        if char in _MARKS:
            out.append((_MARKS[char],))
        elif char == _SHADDA and out:
            out.append(out[-1])  # a doubled consonant
        elif char in "وي" and i == 0:
            out.append(("w",) if char == "و" else ("y",))
        elif char == "و" and i > 0 and word[i - 1] in "اى":
            out.append(("w",))
        elif char in _LETTERS:
            out.append(_LETTERS[char])
    return out


def _readings(word: str) -> list[str]:
    product = itertools.product(*_segments(word))
    return ["".join(p) for p in itertools.islice(product, _MAX_VARIANTS)]


@lru_cache(maxsize=1 << 15)
def arabic_romanisations(token: str) -> tuple[str, ...]:
    """Latin readings of one Arabic-script word (vowels mostly absent; see module doc)."""
    word = "".join(c for c in token if "\u0600" <= c <= "\u06ff" and c not in "\u0640\u0652")
    if not word:
        return ()
    out = _readings(word)
    if word.startswith("ال") and len(word) > 3:
        rest = word[2:]
        out += _readings(rest)
        if rest[0] in _SUN_LETTERS:  # ar-Rahman: the l of al- is assimilated
            out += ["a" + r[:1] + r for r in _readings(rest)]
    return tuple(dict.fromkeys(v for v in out if v))
