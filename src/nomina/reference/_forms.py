"""Text helpers for territory lookup: lookup keys and Russian/Ukrainian case forms.

Country cells are written by hand in many ways: "Непал", "НЕПАЛ.", "гражданин Непала",
"гр. Республики Узбекистан", "громадянин Індії". Rather than listing every inflected
form, the lookup normalises the text to a key and, when that fails, generates the few
nominative forms a Russian or Ukrainian genitive (or other oblique case) word can come
from and looks those up. A form only counts when exactly one territory comes out.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator

# Letters whose decomposition we fold although they are not "letter + mark" in Unicode.
_FOLD = str.maketrans({"ı": "i", "ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "ß": "ss"})

# Marks are dropped for Latin, Greek and Cyrillic bases (é → e, ё → е, й → и), where they
# distinguish nothing a country name needs; elsewhere (Devanagari, Thai...) they carry
# vowels and are kept.
_FOLD_MARKS_BELOW = 0x0530


def key(text: str) -> str:
    """Lookup key: case-, space-, punctuation- and accent-insensitive; scripts kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    out: list[str] = []
    for char in decomposed:
        if char.isalnum() and not "\u02b0" <= char <= "\u02ff":  # ʻ ʼ are apostrophes here
            out.append(char)
        elif unicodedata.category(char) in ("Mn", "Mc") and out:
            if ord(out[-1]) >= _FOLD_MARKS_BELOW:
                out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*", re.UNICODE)


def words(text: str) -> list[str]:
    """Letter words of a cell, lower-cased (apostrophes inside words kept: Кот-д'Ивуар)."""
    return _WORD.findall(unicodedata.normalize("NFC", text.casefold()))


# Words that say "citizen of" / "national of" before the country (ru, uk, en). After them
# Russian and Ukrainian put the country in the genitive: "гражданин Непала".
CITIZEN_WORDS = frozenset(
    {
        "гражданин",
        "гражданка",
        "гражданина",
        "гражданки",
        "граждане",
        "гражданство",
        "гр",
        "подданный",
        "подданная",
        "подданство",
        "громадянин",
        "громадянка",
        "громадянина",
        "громадянки",
        "громадянство",
        "citizen",
        "citizenship",
        "national",
        "nationality",
        "of",
        "the",
    }
)

# Abbreviations expanded before lookup ("Респ. Узбекистан").
ABBREVIATIONS = {"респ": "республика", "resp": "republic", "rep": "republic"}

# Oblique-case endings → nominative endings, Russian and Ukrainian, longest first. Each
# rule is a plain morphological fact (e.g. ru -ии ← -ия: Индии/Индия; uk -ї ← -я:
# Індії/Індія; uk -у ← consonant: Непалу/Непал); a candidate only counts if it is a
# known name, so over-generation is harmless.
_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ской", ("ская",)),  # Центральноафриканской → Центральноафриканская
    ("ської", ("ська",)),  # uk Центральноафриканської
    ("ой", ("ая", "ый")),  # Южной → Южная
    ("ей", ("яя", "ий")),
    ("ої", ("а",)),  # uk Північної → Північна
    ("ьої", ("я",)),
    ("ого", ("ое", "ый", "ий", "е")),  # Соединённого → Соединённое; uk Сполученого
    ("ных", ("ные",)),  # Объединённых → Объединённые
    ("ских", ("ские",)),
    ("их", ("ие", "і")),  # uk Сполучених → Сполучені
    ("ых", ("ые",)),
    ("ов", ("ы", "а")),  # Штатов → Штаты, Островов → Острова
    ("ев", ("и",)),
    ("ів", ("и", "і")),  # uk Штатів → Штати
    ("ии", ("ия",)),  # Индии → Индия
    ("ії", ("ія",)),  # uk Індії → Індія
    ("ї", ("я",)),  # uk Кореї → Корея
    ("и", ("а", "я", "ь", "")),  # Америки → Америка, Руси → Русь, Филиппин(ы)
    ("ы", ("а",)),  # Кубы → Куба
    ("я", ("й", "ь", "е", "")),  # Китая → Китай, Израиля → Израиль
    ("а", ("", "о")),  # Непала → Непал, Королевства → Королевство
    ("у", ("",)),  # uk Непалу → Непал
    ("ю", ("й", "ь")),  # uk Китаю → Китай
)


def nominatives(word: str) -> list[str]:
    """Possible nominative forms of one Russian/Ukrainian word, the word itself first."""
    out = [word]
    if not ("а" <= word[-1:] <= "я" or word[-1:] in "іїєґ"):
        return out
    for ending, replacements in _ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            stem = word[: -len(ending)]
            out.extend(stem + r for r in replacements)
    if word[-1] not in "аеёиоуыэюяіїє":  # zero ending of plural genitive: Филиппин → Филиппины
        out.extend((word + "ы", word + "и"))
    return list(dict.fromkeys(out))


def inflection_candidates(tokens: list[str], limit: int = 256) -> Iterator[str]:
    """Keys of every combination of per-word nominative candidates (bounded)."""
    options = [nominatives(t) for t in tokens]
    for count, combo in enumerate(itertools.product(*options)):
        if count >= limit:
            return
        yield key(" ".join(combo))


# Keyboard look-alikes: a Russian typist's Latin "c" in "Pоссия", or the reverse.
_LAT_TO_CYR = str.maketrans("abcehikmoptxy", "авсенікмортху")
_CYR_TO_LAT = str.maketrans("авсенікмортху", "abcehikmoptxy")


def lookalike_keys(k: str) -> tuple[str, ...]:
    """Keys with look-alike letters swapped, for keys mixing Latin and Cyrillic."""
    has_latin = any("a" <= c <= "z" for c in k)
    has_cyrillic = any("\u0400" <= c <= "\u04ff" for c in k)
    if not (has_latin and has_cyrillic):
        return ()
    return (k.translate(_LAT_TO_CYR), k.translate(_CYR_TO_LAT))
