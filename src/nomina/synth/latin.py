"""Passport Latin, Cyrillic-to-Latin tables, Uzbek, Chinese and other scripts.

Conventions implemented:

- ICAO Doc 9303 (8th ed., 2021), Part 3, section 6: the machine-readable zone holds A–Z
  only. Latin letters with diacritics follow its recommended table (Ä → AE, Å → AA,
  Æ → AE, Ö/Ø/Œ → OE, Ü → UE, ß → SS, Þ → TH, others lose the mark: Ñ → N, Ç → C);
  apostrophes are dropped and hyphens become name separators.
- Cyrillic to Latin through the `iuliia` package: ICAO_DOC_9303 (Russian passports since
  2013, and the model for the Central Asian ones: Х → KH, Ц → TS, Щ → SHCH, Ю → IU, Я → IA,
  Й → I, Ъ → IE), the older MVD_310 (1997) and MVD_782 (2010) tables (Й → Y, Ю → YU),
  and BGN/PCGN and Wikipedia styles that journalists use.
- Bulgarian Cyrillic: the Streamlined System of the Bulgarian Transliteration Act (2009):
  Щ → SHT, Ъ → A, Й → Y.
- Uzbek: the Latin alphabet of 1995 (as amended) with its official Cyrillic correspondence
  (O‘ ↔ Ў, G‘ ↔ Ғ, Q ↔ Қ, H ↔ Ҳ, X ↔ Х, J ↔ Ж); Uzbek passports write it without the
  apostrophes (O‘ → O), and Russian clerks flatten Ў Қ Ғ Ҳ to У К Г Х.
- Chinese: Hanyu Pinyin (ISO 7098) without tones, as PRC passports, via ICU's Han-Latin
  transform; Russian uses the Palladius system (Цзян, Чжан, Сяо), implemented from its
  initial/final table.
- Armenian and Georgian: BGN/PCGN romanisation; Greek: UNGEGN, i.e. ELOT 743 as in Greek
  passports; through ICU's CLDR transforms, folded to A–Z for passports.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import icu
import iuliia

_ICAO_LATIN = {"Ä": "AE", "Å": "AA", "Æ": "AE", "Ö": "OE", "Ø": "OE", "Œ": "OE", "Ü": "UE",
               "ß": "SS", "Þ": "TH", "Ð": "D", "Đ": "D", "Ł": "L", "Ə": "A", "I": "I",
               "ı": "I"}  # fmt: skip


@lru_cache(maxsize=200_000)
def icao_latin(text: str) -> str:
    """Latin text (any diacritics) → passport A–Z words separated by single spaces."""
    out: list[str] = []
    for ch in text.upper():
        if "A" <= ch <= "Z":
            out.append(ch)
        elif ch in _ICAO_LATIN:
            out.append(_ICAO_LATIN[ch])
        elif ch in " -":
            out.append(" ")
        else:
            base = unicodedata.normalize("NFKD", ch)[0]
            if "A" <= base <= "Z":
                out.append(base)
            # apostrophes (O‘, Ja’far) and any other mark are dropped
    return " ".join("".join(out).split())


_SCHEMAS = {
    "icao": iuliia.ICAO_DOC_9303,
    "mvd310": iuliia.MVD_310,
    "mvd782": iuliia.MVD_782,
    "bgn": iuliia.BGN_PCGN,
    "wiki": iuliia.WIKIPEDIA,
}


@lru_cache(maxsize=200_000)
def cyr_to_latin(text: str, schema: str) -> str:
    """Russian-form Cyrillic → Latin by one of the published tables."""
    return _SCHEMAS[schema].translate(text)


_BG = dict(zip("абвгдежзийклмнопрстуфхцчшщъьюя",
               ["a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
                "p", "r", "s", "t", "u", "f", "h", "ts", "ch", "sh", "sht", "a", "y", "yu",
                "ya"], strict=True))  # fmt: skip


@lru_cache(maxsize=20_000)
def bulgarian_latin(text: str) -> str:
    low = text.lower()
    if low.endswith("ия"):
        low = low[:-2] + "иa"  # the Act writes final -ия as -ia
    latin = "".join(_BG.get(ch, ch) for ch in low)
    return " ".join(w.capitalize() for w in latin.split())


# --- Uzbek -------------------------------------------------------------------------------

_UZ_APOS = "‘’ʻʼ'`"
_UZ_DIGRAPHS = [("o‘", "ў"), ("g‘", "ғ"), ("sh", "ш"), ("ch", "ч"), ("yo", "ё"), ("yu", "ю"),
                ("ya", "я"), ("ye", "е"), ("ts", "ц")]  # fmt: skip
_UZ_LETTERS = dict(zip("abdefghijklmnopqrstuvxyz",
                       "абдефгҳижклмнопқрстувхйз", strict=True))  # fmt: skip
_FLAT = str.maketrans({"ў": "у", "ғ": "г", "қ": "к", "ҳ": "х", "ъ": "", "Ў": "У", "Ғ": "Г",
                       "Қ": "К", "Ҳ": "Х"})  # fmt: skip


@lru_cache(maxsize=50_000)
def uzbek_cyrillic(word: str) -> tuple[str, str]:
    """Uzbek Latin word → (Uzbek Cyrillic, as a Russian clerk writes it)."""
    text = word.lower()
    for apos in _UZ_APOS:
        text = text.replace("o" + apos, "o‘").replace("g" + apos, "g‘")
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        hit = next((c for d, c in _UZ_DIGRAPHS if pair == d), None)
        if hit:
            out.append(hit)
            i += 2
            continue
        ch = text[i]
        if ch == "e" and i == 0:
            out.append("э")  # Uzbek Cyrillic writes э only word-initially
        elif ch in _UZ_APOS:
            out.append("ъ")
        else:
            out.append(_UZ_LETTERS.get(ch, ch))
        i += 1
    native = "".join(out).capitalize()
    return native, native.translate(_FLAT)


def uzbek_passport(word: str) -> str:
    return icao_latin("".join(ch for ch in word if ch not in _UZ_APOS))


# --- ICU script transforms and Chinese ------------------------------------------------------

# Greek by UNGEGN (= ELOT 743, Greek passports), Armenian and Georgian by BGN/PCGN, the rest
# (Han → pinyin) by CLDR's defaults.
_ICU_LATIN = icu.Transliterator.createInstance(
    "Greek-Latin/UNGEGN; Armenian-Latin/BGN; Georgian-Latin/BGN; Any-Latin"
)


@lru_cache(maxsize=50_000)
def icu_latin(text: str) -> str:
    """Any script → Latin with diacritics (CLDR transforms); Chinese one syllable per Han."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return " ".join(_ICU_LATIN.transliterate(ch) for ch in text if not ch.isspace())
    return _ICU_LATIN.transliterate(text)


def pinyin_plain(syllable: str) -> str:
    """Toned pinyin syllable → plain, keeping ü (nü, lü) apart from u."""
    out = []
    for ch in unicodedata.normalize("NFD", syllable.lower()):
        if ch == "\u0308" and out and out[-1] == "u":
            out[-1] = "ü"
        elif not unicodedata.combining(ch):
            out.append(ch)
    return "".join(out)


_PAL_INIT = {"b": "б", "p": "п", "m": "м", "f": "ф", "d": "д", "t": "т", "n": "н", "l": "л",
             "g": "г", "k": "к", "h": "х", "j": "цз", "q": "ц", "x": "с", "zh": "чж",
             "ch": "ч", "sh": "ш", "r": "ж", "z": "цз", "c": "ц", "s": "с"}  # fmt: skip
_PAL_FINAL = {"a": "а", "o": "о", "e": "э", "ai": "ай", "ei": "эй", "ao": "ао", "ou": "оу",
              "an": "ань", "en": "энь", "ang": "ан", "eng": "эн", "ong": "ун", "er": "эр",
              "i": "и", "ia": "я", "iao": "яо", "ie": "е", "iu": "ю", "ian": "янь",
              "in": "инь", "iang": "ян", "ing": "ин", "iong": "юн", "u": "у", "ua": "уа",
              "uo": "о", "uai": "уай", "ui": "уй", "uan": "уань", "un": "унь", "uang": "уан",
              "ü": "юй", "üe": "юэ", "üan": "юань", "ün": "юнь"}  # fmt: skip
_PAL_ZERO = {"yi": "и", "ya": "я", "yo": "ё", "ye": "е", "yao": "яо", "you": "ю", "yan": "янь",
             "yin": "инь", "yang": "ян", "ying": "ин", "yong": "юн", "yu": "юй", "yue": "юэ",
             "yuan": "юань", "yun": "юнь", "wu": "у", "wa": "ва", "wo": "во", "wai": "вай",
             "wei": "вэй", "wan": "вань", "wen": "вэнь", "wang": "ван", "weng": "вэн"}  # fmt: skip


@lru_cache(maxsize=4096)
def palladius(syllable: str) -> str:
    """One plain pinyin syllable → Palladius Cyrillic."""
    s = syllable.lower()
    if s in _PAL_ZERO:
        return _PAL_ZERO[s]
    init = s[:2] if s[:2] in ("zh", "ch", "sh") else s[:1] if s[:1] in _PAL_INIT else ""
    final = s[len(init) :]
    if init in ("j", "q", "x") and final.startswith("u"):
        final = "ü" + final[1:]  # after j q x, written u is ü
    if final == "i" and init in ("z", "c", "s"):
        return _PAL_INIT[init] + "ы"
    return _PAL_INIT.get(init, "") + _PAL_FINAL.get(final, final)
