"""Words the field parsers read: month names, sex and status words.

All keys are lower case with ё written е (the parsers fold both before looking up).
"""

from __future__ import annotations

from typing import Final


def _forms(month: int, *words: str) -> dict[str, int]:
    return dict.fromkeys(words, month)


def _ru_soft(stem: str) -> tuple[str, ...]:
    # Russian soft-stem month nouns (январь): nominative, genitive ("5 января"),
    # prepositional ("в январе"), dative, instrumental.
    return tuple(stem + e for e in ("ь", "я", "е", "ю", "ем"))


def _ru_hard(word: str) -> tuple[str, ...]:
    return tuple(word + e for e in ("", "а", "е", "у", "ом"))  # март, марта, марте ...


def _uk_en(word: str) -> tuple[str, ...]:
    # Ukrainian months in -ень (березень): nominative, genitive ("5 березня"),
    # locative ("у березні"), instrumental, dative.
    stem = word[:-3] + "н"
    return (word, stem + "я", stem + "і", stem + "ем", stem + "ю")


_EN = (
    "january february march april may june july august september october november december"
).split()
_EN_ABBR = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_RU_ABBR = "янв фев мар апр май июн июл авг сен окт ноя дек".split()
_UK_ABBR = "січ лют бер квіт трав черв лип серп вер жовт лист груд".split()

# Gregorian month names: English (full, abbreviated), Russian and Ukrainian in every case.
GREGORIAN_MONTHS: Final[dict[str, int]] = {
    **{w: i for i, w in enumerate(_EN, 1)},
    **{w: i for i, w in enumerate(_EN_ABBR, 1)},
    **{w: i for i, w in enumerate(_RU_ABBR, 1)},
    **{w: i for i, w in enumerate(_UK_ABBR, 1)},
    "sept": 9,
    "февр": 2,
    "сент": 9,
    "нояб": 11,
    "кві": 4,
    "тра": 5,
    "чер": 6,
    "сер": 8,
    "жов": 10,
    "лис": 11,
    "гру": 12,
    **_forms(1, *_ru_soft("январ")),
    **_forms(2, *_ru_soft("феврал")),
    **_forms(3, *_ru_hard("март")),
    **_forms(4, *_ru_soft("апрел")),
    **_forms(5, "май", "мая", "мае", "маю", "маем"),
    **_forms(6, *_ru_soft("июн")),
    **_forms(7, *_ru_soft("июл")),
    **_forms(8, *_ru_hard("август")),
    **_forms(9, *_ru_soft("сентябр")),
    **_forms(10, *_ru_soft("октябр")),
    **_forms(11, *_ru_soft("ноябр")),
    **_forms(12, *_ru_soft("декабр")),
    **_forms(1, *_uk_en("січень")),
    **_forms(2, "лютий", "лютого", "лютому", "лютім", "лютим"),
    **_forms(3, *_uk_en("березень")),
    **_forms(4, *_uk_en("квітень")),
    **_forms(5, *_uk_en("травень")),
    **_forms(6, *_uk_en("червень")),
    **_forms(7, *_uk_en("липень")),
    **_forms(8, *_uk_en("серпень")),
    **_forms(9, *_uk_en("вересень")),
    **_forms(10, *_uk_en("жовтень")),
    **_forms(11, "листопад", "листопада", "листопаді", "листопадом", "листопаду"),
    **_forms(12, *_uk_en("грудень")),
}

# Bikram Sambat months, romanised (the spellings in Nepali documents and in
# nepali-datetime) and in Devanagari (Nepali colloquial and Sanskrit forms).
BIKRAM_SAMBAT_MONTHS: Final[dict[str, int]] = {
    **_forms(1, "baisakh", "baishakh", "vaisakh", "vaishakh", "bai", "बैशाख", "वैशाख"),
    **_forms(2, "jestha", "jeth", "jyestha", "jes", "जेठ", "जेष्ठ", "ज्येष्ठ"),
    **_forms(3, "asar", "asadh", "ashadh", "ashar", "asa", "असार", "आषाढ"),
    **_forms(4, "shrawan", "shravan", "srawan", "saun", "sawan", "shr", "साउन", "श्रावण"),
    **_forms(5, "bhadra", "bhadau", "bha", "भदौ", "भाद्र"),
    **_forms(6, "asoj", "ashoj", "ashwin", "aswin", "asw", "असोज", "आश्विन"),
    **_forms(7, "kartik", "kattik", "kar", "कात्तिक", "कार्तिक"),
    **_forms(8, "mangsir", "mansir", "mangshir", "man", "मंसिर", "मङ्सिर", "मार्ग"),
    **_forms(9, "poush", "paush", "push", "pus", "pou", "पुस", "पौष"),
    **_forms(10, "magh", "mag", "माघ"),
    **_forms(11, "falgun", "phalgun", "phagun", "fagun", "fal", "फागुन", "फाल्गुन"),
    **_forms(12, "chaitra", "chait", "cha", "चैत", "चैत्र"),
}
BIKRAM_SAMBAT_MONTH_NAMES: Final = (
    "Baisakh Jestha Asar Shrawan Bhadau Asoj Kartik Mangsir Poush Magh Falgun Chaitra".split()
)

# Words around a date that carry no value: "1998 г.", "5 березня 1998 р.", "5-го марта",
# "21 गते", "2055 साल", "B.S.".
DATE_FILLERS: Final = frozenset(
    "г гг год года годы р рр року рік рок в во у of the in on го е st nd rd th числа".split()
)
BIKRAM_SAMBAT_FILLERS: Final = frozenset("bs b s vs v गते gate साल sal वि सं".split())

# Sex: Russian (м/ж, муж/жен), Ukrainian (ч/ж: чоловіча/жіноча), English, Nepali, Korean.
SEX_WORDS: Final[dict[str, str]] = {
    **dict.fromkeys(
        "m м ч male man муж мужской мужская мужчина мужск чол чоловік чоловіча "
        "чоловічий पुरुष 남 남자 남성".split(),
        "M",
    ),
    **dict.fromkeys(
        "f ж female woman жен женский женская женщина женск жін жінка жіноча "
        "жіночий महिला स्त्री 여 여자 여성".split(),
        "F",
    ),
}

# Status words → event kind (nomina.concepts.EVENT_KINDS). Phrases (several words) are
# matched first and consume their words, so "освобожден из плена" is a release and not a
# capture, "died of wounds" a death and not a wound. Then single words by stem (prefix).
# "груз 200"/"200" and "груз 300"/"300" are the Russian military codes for killed and
# wounded.
STATUS_PHRASES: Final[dict[str, str]] = {
    **dict.fromkeys(
        (
            "груз 200",
            "200",
            "killed in action",
            "died of wounds",
            "умер от ран",
            "умер от ранений",
            "скончался от ран",
            "скончался от ранений",
            "помер від ран",
            "помер від поранень",
        ),
        "killed",
    ),
    **dict.fromkeys(
        (
            "пропал без вести",
            "пропала без вести",
            "пропавший без вести",
            "без вести пропавший",
            "зник безвісти",
            "зник без вісти",
            "безвісти зник",
            "зниклий безвісти",
            "зниклий без вісти",
            "безвісти зниклий",
            "missing in action",
        ),
        "missing",
    ),
    **dict.fromkeys(("груз 300", "300"), "wounded"),
    **dict.fromkeys(
        (
            "освобожден из плена",
            "освобождена из плена",
            "вернулся из плена",
            "вернулась из плена",
            "отпущен из плена",
            "звільнений з полону",
            "звільнена з полону",
            "повернувся з полону",
            "повернулася з полону",
            "released from captivity",
        ),
        "released",
    ),
    **dict.fromkeys(
        (
            "prisoner of war",
            "taken prisoner",
            "в плену",
            "у полоні",
            "в полоні",
            "попал в плен",
            "взят в плен",
            "сдался в плен",
            "потрапив у полон",
            "потрапив в полон",
            "взятий у полон",
            "здався в полон",
        ),
        "captured",
    ),
    **dict.fromkeys(
        (
            "возвращен на родину",
            "вернулся на родину",
            "отправлен на родину",
            "отправлен домой",
            "повернутий на батьківщину",
            "повернувся на батьківщину",
            "returned home",
        ),
        "repatriated",
    ),
    **dict.fromkeys(
        (
            "подписал контракт",
            "заключил контракт",
            "підписав контракт",
            "уклав контракт",
            "signed a contract",
        ),
        "contracted",
    ),
    **dict.fromkeys(
        (
            "в зоне сво",
            "в зону сво",
            "на фронт",
            "на фронте",
            "на фронті",
            "на передовой",
            "на передовій",
            "в зоне боевых действий",
            "в зону боевых действий",
            "у зоні бойових дій",
            "в зоні бойових дій",
        ),
        "deployed",
    ),
}
STATUS_STEMS: Final[dict[str, str]] = {
    **dict.fromkeys(
        "погиб убит умер скончал мертв загин вбит помер kia killed dead died deceased".split(),
        "killed",
    ),
    **dict.fromkeys("missing mia бвп безвест безвіст пропал пропавш зник".split(), "missing"),
    **dict.fromkeys(
        "ранен ранил поранен wound wia injur травмир контуз".split(),
        "wounded",
    ),
    **dict.fromkeys(
        "плен военноплен полон військовополон pow captur сдался сдалась здався".split(),
        "captured",
    ),
    **dict.fromkeys("обмен обмін exchang".split(), "exchanged"),
    **dict.fromkeys("репатри репатрі repatri".split(), "repatriated"),
    **dict.fromkeys(
        "освобож отпущ released freed звільн відпущ".split(),
        "released",
    ),
    **dict.fromkeys("контракт contract завербова recruit enlist".split(), "contracted"),
    **dict.fromkeys("deploy сво".split(), "deployed"),
}
# Words that make a status cell a question, not a fact: such cells go to review.
STATUS_DOUBT: Final = frozenset(
    "не нет ні not no вероятно возможно предположительно probably possibly presumably "
    "likely unconfirmed ймовірно можливо імовірно".split()
)
