"""Devanagari names (Nepali, Hindi) in the Latin spellings people use.

The base is ISO 15919 (= IAST for these letters) through ICU, simplified to ASCII the
way Nepali and Indian passports and lists spell names (च ch, छ chh, श ष sh, ङ ng, ऋ ri;
long vowels unmarked). The inherent vowel "a" is not pronounced, and not written, in
two places (schwa deletion, Ohala 1983, "Aspects of Hindi Phonology"):

* at the end of a word (राम Ram, बहादुर Bahadur) — always, as ``romanise`` does;
* inside a word in the context VC_CV, scanned left to right (राजकुमार Rajkumar,
  कमला Kamla, नरबहादुर Narbahadur) — common but not universal in how names are
  spelt (Kamala is also written), so it is one more spelling, not a replacement.

Further spellings: Nepali pronounces व as b in many names (विशाल Bishal, विष्णु Bishnu,
विक्रम Bikram); ISO 15919 ṅ before k/g is written n (शंकर Shankar); a nasal before ह
is written ng (सिंह Singh); ज्ञ jñ is pronounced and written gy (ज्ञान Gyan); ष before
ट/ठ is written s (श्रेष्ठ Shrestha).
"""

from __future__ import annotations

import re
from functools import lru_cache

from nomina.names.scripts import _NEPALI_LETTERS, _NEPALI_SPELLING, _fold_latin, _icu

_VIRAMA = "\u094d"
_NUKTA = "\u093c"


def _is_consonant(char: str) -> bool:
    return "\u0915" <= char <= "\u0939" or "\u0958" <= char <= "\u095f"


def _is_sign(char: str) -> bool:  # dependent vowel signs, virama
    return "\u093e" <= char <= "\u094d" or char in "\u0962\u0963"


def _aksharas(word: str) -> list[str]:
    """Split a word into aksharas: a consonant cluster (joined by virama) or an
    independent vowel, with its nukta, vowel sign, virama and nasal signs."""
    out: list[str] = []
    for char in word:
        if out and (char == _NUKTA or _is_sign(char) or char in "\u0901\u0902\u0903"):
            out[-1] += char
        elif out and out[-1].endswith(_VIRAMA) and _is_consonant(char):
            out[-1] += char  # conjunct: the cluster shares the next vowel
        else:
            out.append(char)
    return out


def _inherent(akshara: str) -> bool:
    """True if the akshara ends in a consonant that carries the inherent a."""
    return _is_consonant(akshara[-1]) or akshara[-1] == _NUKTA


def _delete_medial_schwa(word: str) -> str:
    parts = _aksharas(word)
    for i in range(1, len(parts) - 1):
        before, here, after = parts[i - 1], parts[i], parts[i + 1]
        vowel_before = not before.endswith(_VIRAMA) and not before.endswith(("\u0902", "\u0903"))
        consonant_vowel_after = _is_consonant(after[0]) and not after.endswith(_VIRAMA)
        if _inherent(here) and vowel_before and consonant_vowel_after:
            parts[i] = here + _VIRAMA
    return "".join(parts)


def _mark_final(word: str) -> str:
    parts = _aksharas(word)
    last = parts[-1] if parts else ""
    # a conjunct keeps its vowel (कृष्ण Krishna, श्रेष्ठ Shrestha), as ``romanise`` does
    if len(parts) > 1 and _inherent(last) and _VIRAMA not in last:
        parts[-1] += _VIRAMA
    return "".join(parts)


def _to_latin(word: str) -> str:
    value = _icu("Any-Latin").transliterate(word)
    value = _NEPALI_SPELLING.sub(lambda m: _NEPALI_LETTERS[m.group()], value)
    value = value.replace("n\u0304", "n").replace("\u1e41", "n").replace("\u1e43", "m")
    return "".join(c for c in _fold_latin(value).lower() if c.isalpha() or c == "-")


_SPELLINGS = (
    (re.compile(r"ng(?=[kg])"), "n"),  # शंकर Shankar
    (re.compile(r"nh$"), "ngh"),  # सिंह Singh
    (re.compile(r"jn"), "gy"),  # ज्ञान Gyan
    (re.compile(r"sh(?=t)"), "s"),  # ष before ट ठ: श्रेष्ठ Shrestha, वशिष्ठ Vasistha
)


@lru_cache(maxsize=1 << 15)
def devanagari_romanisations(token: str) -> tuple[str, ...]:
    """Latin spellings of one Devanagari word: passport-style ISO 15919 first."""
    word = "".join(c for c in token if "\u0900" <= c <= "\u097f")
    if not word:
        return ()
    final = _mark_final(word)
    bases = [_to_latin(final), _to_latin(_delete_medial_schwa(final))]
    out = list(bases)
    for base in bases:
        for pattern, repl in _SPELLINGS:
            if pattern.search(base):
                out.append(pattern.sub(repl, base))
    if "\u0935" in word:  # व: v in Hindi, b in many Nepali names
        out += [v.replace("v", "b") for v in list(out)]
    return tuple(dict.fromkeys(v for v in out if v))
