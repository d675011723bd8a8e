"""Latin spellings of a Cyrillic name token.

A person's name in a Russian document reaches Latin letters by one of several routes:

* the passport tables: ICAO Doc 9303 (Russian passports since 2013: Х KH, Ц TS, Щ SHCH,
  Ю IU, Я IA, Й I), the MVD order No. 310 of 1997 (older passports: Ю YU, Я YA, Й Y),
  MVD order No. 782 of 2010 (Е after a vowel YE, Ё YO), BGN/PCGN 1947 and Wikipedia's
  simplification of it, the scholarly system ≈ ISO 9 ("Julija"), the Uzbek
  Cyrillic–Latin alphabet of 1995 (Х X, Ё YO) — all from the ``iuliia`` package's
  published schemas (GOST R 52535.1-2006, for ID cards, writes as ICAO does);
* backwards, when the name is foreign and Russian spelt it by ear (Russian practical
  transcription, as set out in Гиляревский & Старостин, «Иностранные имена и названия
  в русском тексте», 1985, and Ермолович, «Имена собственные на стыке языков и
  культур», 2001): English J and Spanish J/X heard as Дж and Х
  (Джон John, Хосе José, Хуан Juan), Hindi/Nepali aspirates written consonant + Х
  (Тхапа Thapa, Бхаттараи Bhattarai, Чхетри Chhetri), Korean names in the Kontsevich
  system (Ын ŭ/eu, Чхве ch'oe, initial Ч/К/Т/П for RR j/g/d/b, final Н also for ㅇ -ng),
  and Chinese names in the Palladius system (Чжан Zhang, Цзян Jiang, final -н for -ng).

Letters of other Cyrillic alphabets (Kazakh, Kyrgyz, Uzbek, Tajik, Ukrainian,
Belarusian) are first written as Russian documents write them (Қ К, Ғ Г, Ў У, Ҳ Х, Ә А,
Є Е, Ї И), then go the same routes; the ICAO route reads them as ICAO 9303 does.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

import iuliia

from nomina.names.hangul import KONTSEVICH_SURNAMES
from nomina.names.scripts import _icao_table

# Non-Russian Cyrillic letters as Russian-language documents spell them (the practice of
# Russian passport offices and the Russian Wikipedia's naming conventions for Central
# Asian names: Қодиров → Кодиров, Ғуломов → Гуломов, Ўктам → Уктам, Ҳасан → Хасан).
_TO_RUSSIAN = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
    "і": "и", "ў": "у", "ҳ": "х", "ҷ": "дж", "ӣ": "и", "ӯ": "у", "җ": "ж", "ҙ": "з",
    "ҫ": "с", "ґ": "г", "є": "е", "ї": "и", "ј": "й", "ђ": "дж", "ћ": "ч", "џ": "дж",
    "љ": "ль", "њ": "нь", "ѓ": "г", "ќ": "к", "ѕ": "дз", "ӑ": "а", "ӗ": "е", "ҡ": "к",
})  # fmt: skip

# ICAO first: the key ``romanise`` stores. The rest in order of how often they are met on
# documents of people from the former USSR.
_SCHEMAS = (
    iuliia.MVD_310,
    iuliia.MVD_782,
    iuliia.BGN_PCGN,
    iuliia.WIKIPEDIA,
    iuliia.SCIENTIFIC,
    iuliia.UZ,
)
# Letters with diacritics in the scholarly and Uzbek outputs, as they are typed in
# ASCII (č ch, š sh, ž zh; Uzbek oʻ gʻ without the mark).
_ASCII = str.maketrans({"č": "ch", "š": "sh", "ž": "zh", "ŝ": "sh", "ʺ": "", "ʹ": "", "ʼ": ""})

# Reverse Russian practical transcription: each Cyrillic spelling of a foreign sound with
# the Latin letters it may stand for. Longest segments first. Alternatives the skeleton
# folds anyway (Я ya/ia, Ю yu/iu, Ё yo/e) are not repeated here.
_FOREIGN = {
    "дж": ("j",),  # English/Arabic/Hindi J: Джон John, Джамал Jamal
    "чж": ("zh", "j"),  # Palladius: Чжан Zhang
    "цз": ("j", "z"),  # Palladius: Цзян Jiang, Цзэ Ze
    "тх": ("th", "t"),  # Hindi/Nepali थ: Тхапа Thapa; Kontsevich ㅌ: Тхэ Tae
    "пх": ("ph", "p"),  # Kontsevich ㅍ: Пхё Pyo; Hindi फ
    "кх": ("kh", "k"),  # Hindi ख: Кхадка Khadka; Kontsevich ㅋ
    "чх": ("chh", "ch"),  # Hindi छ: Чхетри Chhetri; Kontsevich ㅊ: Чхве Choe
    "бх": ("bh",),
    "дх": ("dh",),
    "гх": ("gh",),
    "кс": ("ks", "x"),  # Алексис Alexis
    "ль": ("l",),
    "нь": ("n",),  # Spanish ñ: Нуньес Núñez
    "х": ("h", "j"),  # Spanish J: Хосе José, Хуан Juan; English/Hindi H
    "ч": ("ch",),
    "ы": ("y", "u", "eu"),  # Kontsevich ㅡ: Ын ŭn (MR, DPRK un) / eun (RR)
    "э": ("e",),
    "ё": ("yo", "e"),
    "й": ("y",),
    "ь": ("",),
    "ъ": ("",),
}
# Korean names in the Kontsevich system write ㄱ ㄷ ㅂ ㅈ as К Т П Ч at the start of a
# name, where Revised Romanisation writes g d b j (Пак Bak, Тон Dong, Чон Jeong).
# English th is written Т (Томас Thomas, Смит Smith, Кит Keith): at either end of a word
# Т may stand for th.
_INITIAL = {"к": ("k", "g"), "т": ("t", "d", "th"), "п": ("p", "b"), "ч": ("ch", "j")}
_MAX_VARIANTS = 24


def _ascii(value: str, scholarly: bool = False) -> str:
    value = unicodedata.normalize("NFC", value.lower())
    if scholarly:  # ISO 9 / scholarly: c is Ц, a final or pre-consonant j is Й
        value = re.sub(r"j(?![aeiou])", "y", value.replace("c", "ts"))
    value = value.translate(_ASCII)
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(c for c in value if c.isalpha() or c == "-")


def _segments(word: str) -> list[tuple[str, ...]]:
    """The word cut into the longest segments of ``_FOREIGN``, each with its readings."""
    icao = _icao_table()
    out: list[tuple[str, ...]] = []
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        if len(pair) == 2 and pair in _FOREIGN:
            out.append(_FOREIGN[pair])
            i += 2
            continue
        char = word[i]
        if i == 0 and char in _INITIAL:
            out.append(_INITIAL[char])
        elif char == "е" and 0 < i and len(word) <= 3:
            # Kontsevich writes ㅖ after a consonant as Е too (Хе 혜 Hye, Ке 계 Kye)
            out.append(("e", "ye"))
        elif char == "т" and i == len(word) - 1:
            out.append(("t", "th"))
        elif char == "н" and i == len(word) - 1:
            out.append(("n", "ng"))  # Kontsevich/Palladius: final Н is also -ng (Ван Wang)
        elif char in _FOREIGN:
            out.append(_FOREIGN[char])
        else:
            out.append((char.translate(icao).lower(),))
        i += 1
    return out


def _foreign_readings(word: str) -> list[str]:
    readings = []
    for parts in itertools.islice(itertools.product(*_segments(word)), _MAX_VARIANTS):
        readings.append("".join(parts))
    return readings


@lru_cache(maxsize=1 << 16)
def cyrillic_romanisations(token: str) -> tuple[str, ...]:
    """Latin spellings of one Cyrillic token, most official first (ICAO 9303 first)."""
    word = unicodedata.normalize("NFC", token).lower()
    icao = _icao_table()
    # ICAO 9303 where it defines the letter, the Russian-document spelling where not
    out = [_ascii(word.translate(icao).translate(_TO_RUSSIAN).translate(icao))]
    russian = word.translate(_TO_RUSSIAN)
    for schema in _SCHEMAS:
        # letters a schema leaves in Cyrillic (ё in some) are read as ICAO reads them;
        # the Uzbek alphabet reads the Uzbek letters itself (Ў Oʻ, Қ Q, Ғ Gʻ, Ҳ H)
        source = word if schema is iuliia.UZ else russian
        scholarly = schema is iuliia.SCIENTIFIC
        out.append(
            _ascii(schema.translate(source).translate(_TO_RUSSIAN).translate(icao), scholarly)
        )
    out.extend(_foreign_readings(russian))
    out.extend(KONTSEVICH_SURNAMES.get(russian, ()))
    return tuple(dict.fromkeys(v for v in out if v))
