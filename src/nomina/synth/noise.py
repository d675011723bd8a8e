"""Recording noise: typing and reading errors, degraded dates, misplaced name parts.

The typo model is Damerau's (F. J. Damerau, "A technique for computer detection and
correction of spelling errors", CACM 7(3), 1964: about 80 % of misspellings are one
substitution, deletion, insertion or transposition). Substitutions and insertions pick a
neighbouring key on the layout the clerk types with: QWERTY (ISO/IEC 9995) for Latin,
ЙЦУКЕН (GOST 14289-88) for Cyrillic; for scanned lists, reading (OCR) confusions of
similar shapes (rn/m, cl/d, и/н, ш/щ, е/ё, з/э). Native scripts without a layout here get
only deletions and transpositions.
"""

from __future__ import annotations

import random
from datetime import date

_ROWS = {
    "latin": ("qwertyuiop", "asdfghjkl", "zxcvbnm"),
    "cyr": ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),
}


def _neighbours(rows: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for r, row in enumerate(rows):
        for c, ch in enumerate(row):
            near = [row[c - 1] if c else "", row[c + 1] if c + 1 < len(row) else ""]
            for dr in (-1, 1):
                if 0 <= r + dr < len(rows):
                    other = rows[r + dr]
                    near += [other[k] for k in (c - 1, c, c + 1) if 0 <= k < len(other)]
            out[ch] = "".join(x for x in near if x)
    return out


_NEAR = {script: _neighbours(rows) for script, rows in _ROWS.items()}
_OCR = {
    "latin": (("rn", "m"), ("m", "rn"), ("cl", "d"), ("l", "I"), ("I", "l"), ("O", "0"),
              ("u", "v"), ("h", "b"), ("e", "c"), ("vv", "w")),
    "cyr": (("и", "н"), ("н", "и"), ("ш", "щ"), ("щ", "ш"), ("е", "ё"), ("ё", "е"), ("з", "э"),
            ("п", "л"), ("ь", "ъ"), ("в", "з"), ("ы", "ьi")),
}  # fmt: skip


def script_of(text: str) -> str:
    for ch in text:
        if "a" <= ch.lower() <= "z":
            return "latin"
        if "\u0400" <= ch <= "\u04ff":
            return "cyr"
    return "other"


def typo(word: str, rng: random.Random, ocr: bool = False) -> str:
    """One Damerau edit (or one reading confusion) in a word."""
    if len(word) < 3:
        return word
    script = script_of(word)
    if ocr and script in _OCR:
        swaps = [(a, b) for a, b in _OCR[script] if a in word]
        if swaps:
            a, b = rng.choice(swaps)
            return word.replace(a, b, 1)
    i = rng.randrange(1, len(word))  # first letters are typed with most care
    op = rng.random()
    if script == "other":
        op = 0.2 if op < 0.5 else 0.9
    ch = word[i]
    if op < 0.35:
        return word[:i] + word[i + 1 :]  # deletion
    if op < 0.55 and i + 1 < len(word):
        return word[:i] + word[i + 1] + ch + word[i + 2 :]  # transposition
    near = _NEAR.get(script, {}).get(ch.lower(), "")
    if ch.isupper():
        near = near.upper()  # the clerk types in the case of the word
    if op < 0.85 and near:
        return word[:i] + rng.choice(near) + word[i + 1 :]
    if near:
        return word[:i] + rng.choice(near) + word[i:]  # insertion of a neighbouring key
    return word[:i] + ch + word[i:]  # doubled letter


def maybe_typo(text: str, rng: random.Random, p: float, ocr: bool = False) -> str:
    """With probability p, one typo in one word of the text."""
    if not text or rng.random() >= p:
        return text
    words = text.split(" ")
    k = rng.randrange(len(words))
    words[k] = typo(words[k], rng, ocr)
    return " ".join(words)


def fmt_dmy(d: date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def fmt_iso(d: date) -> str:
    return d.isoformat()


def birth_text(
    d: date,
    rng: random.Random,
    *,
    missing: float,
    year_only: float,
    month_only: float = 0.0,
    swap: float = 0.0,
    impossible: float = 0.0,
    iso: bool = False,
) -> str:
    """A birth date as a source writes it: missing, year or month only, or day/month swapped,
    or (a clerk's slip) a day the month does not have, like 31.02.

    A swap (05.03 for 03.05) stays a valid date only when the day is 12 or less, which is
    exactly the kind of error nothing flags. An impossible date is the kind ingest must
    catch: such rows go to quarantine.
    """
    x = rng.random()
    if x < impossible:
        month = d.month if d.month in (2, 4, 6, 9, 11) else 2
        day = 31 if month != 2 else 30 + (d.day % 2)
        return f"{d.year}-{month:02d}-{day:02d}" if iso else f"{day:02d}.{month:02d}.{d.year}"
    x -= impossible
    if x < missing:
        return ""
    x -= missing
    if x < year_only:
        return str(d.year)
    x -= year_only
    if x < month_only:
        return f"{d.year}-{d.month:02d}" if iso else f"{d.month:02d}.{d.year}"
    x -= month_only
    if x < swap and d.day <= 12 and d.day != d.month:
        d = date(d.year, d.day, d.month)
    return fmt_iso(d) if iso else fmt_dmy(d)


def spaced_document(number: str, rng: random.Random) -> str:
    """Document numbers as typed: sometimes with a space or dash after the series."""
    x = rng.random()
    if x < 0.15 and len(number) > 4:
        return number[:2] + " " + number[2:]
    if x < 0.22 and len(number) > 4:
        return number[:2] + "-" + number[2:]
    if x < 0.25:
        return number.replace("O", "0", 1)  # letter O typed as zero
    return number
