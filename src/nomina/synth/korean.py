"""Korean names: Hangul to South Korean, North Korean and Russian spellings.

Conventions implemented, syllable by syllable as personal names are written:

- Revised Romanisation of Korean (Ministry of Culture and Tourism, Notice 2000-8, 2000),
  used for South Korean given names; surnames follow the customary passport spellings
  (Lee, Park, Choi, Jung …), which RR explicitly leaves to the bearer.
- DPRK official romanisation ("Romanization of Korean", DPRK 1992, based on McCune–
  Reischauer 1939 without breves and apostrophes): ㅓ/ㅡ → o/u, ㅋ/ㅌ/ㅍ → kh/th/ph,
  ㅈ → j, and no initial-sound rule, so 리 Ri, 박 Pak, 최 Choe, 김정은 Kim Jong Un.
- Kontsevich system (L. R. Kontsevich, the Russian academic standard for Korean) for
  Cyrillic: 김정은 → Ким Чон Ын, 최 → Чхве, 박 → Пак; syllables of given names written
  apart as in Russian practice. Surnames also carry the customary Russian spellings
  (이 Ли, and the Koryo-saram forms Цой, Тен, Югай that Russian clerks also use).
- North Korean Hangul keeps initial ㄹ/ㄴ where the South drops it (리/이, 림/임, 류/유, 로/노).
"""

from __future__ import annotations

from functools import lru_cache

_RR_INIT = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]  # fmt: skip
_MR_INIT = ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th", "ph", "h"]  # fmt: skip
_KO_INIT = ["к", "кк", "н", "т", "тт", "р", "м", "п", "пп", "с", "сс", "", "ч", "чч", "чх", "кх", "тх", "пх", "х"]  # fmt: skip

_RR_VOW = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"]  # fmt: skip
_MR_VOW = ["a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"]  # fmt: skip
_KO_VOW = ["а", "э", "я", "йя", "о", "е", "ё", "е", "о", "ва", "вэ", "ве", "ё", "у", "во", "ве", "ви", "ю", "ы", "ый", "и"]  # fmt: skip
# After a null initial ㅇ, Kontsevich writes ㅐ/ㅔ as э and ㅖ as е; ㅚ/ㅟ as ве/ви.
_KO_VOW_INITIAL = {1: "э", 5: "э", 7: "е"}

# Finals by jongseong index 0..27 (0 = none).
_RR_FIN = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]  # fmt: skip
_MR_FIN = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]  # fmt: skip
_KO_FIN = ["", "к", "к", "к", "н", "н", "н", "т", "ль", "к", "м", "ль", "ль", "ль", "п", "ль", "м", "п", "п", "т", "т", "н", "т", "т", "к", "т", "п", "т"]  # fmt: skip

# Common surnames: (RR customary passport, DPRK, Russian forms…). DPRK Hangul in SURNAME_NORTH.
SURNAMES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "김": ("Kim", "Kim", ("Ким",)),
    "이": ("Lee", "Ri", ("Ли", "И")),
    "리": ("Lee", "Ri", ("Ри", "Ли")),
    "박": ("Park", "Pak", ("Пак",)),
    "최": ("Choi", "Choe", ("Чхве", "Цой")),
    "정": ("Jung", "Jong", ("Чон", "Тен")),
    "강": ("Kang", "Kang", ("Кан",)),
    "조": ("Cho", "Jo", ("Чо",)),
    "윤": ("Yoon", "Yun", ("Юн",)),
    "장": ("Jang", "Jang", ("Чан", "Тян")),
    "임": ("Lim", "Rim", ("Лим", "Им")),
    "림": ("Lim", "Rim", ("Рим", "Лим")),
    "한": ("Han", "Han", ("Хан",)),
    "오": ("Oh", "O", ("О",)),
    "서": ("Seo", "So", ("Со",)),
    "신": ("Shin", "Sin", ("Син", "Шин")),
    "권": ("Kwon", "Kwon", ("Квон",)),
    "황": ("Hwang", "Hwang", ("Хван",)),
    "안": ("Ahn", "An", ("Ан",)),
    "송": ("Song", "Song", ("Сон",)),
    "유": ("Yoo", "Ryu", ("Ю", "Югай")),
    "류": ("Ryu", "Ryu", ("Рю", "Ю")),
    "홍": ("Hong", "Hong", ("Хон",)),
    "전": ("Jeon", "Jon", ("Чон", "Тен")),
    "고": ("Ko", "Ko", ("Ко",)),
    "문": ("Moon", "Mun", ("Мун",)),
    "손": ("Son", "Son", ("Сон",)),
    "양": ("Yang", "Ryang", ("Ян",)),
    "량": ("Yang", "Ryang", ("Рян", "Ян")),
    "배": ("Bae", "Pae", ("Пэ",)),
    "백": ("Baek", "Paek", ("Пэк",)),
    "허": ("Heo", "Ho", ("Хо",)),
    "노": ("Noh", "No", ("Но",)),
    "로": ("Roh", "Ro", ("Ро", "Но")),
    "남": ("Nam", "Nam", ("Нам",)),
    "심": ("Shim", "Sim", ("Сим",)),
    "하": ("Ha", "Ha", ("Ха",)),
    "곽": ("Kwak", "Kwak", ("Квак",)),
    "성": ("Sung", "Song", ("Сон",)),
    "차": ("Cha", "Cha", ("Чха", "Ча")),
    "주": ("Joo", "Ju", ("Чу",)),
    "우": ("Woo", "U", ("У",)),
    "구": ("Koo", "Ku", ("Ку",)),
    "민": ("Min", "Min", ("Мин",)),
    "진": ("Jin", "Jin", ("Чин",)),
    "지": ("Ji", "Ji", ("Чи",)),
    "엄": ("Eom", "Om", ("Ом",)),
    "채": ("Chae", "Chae", ("Чхэ",)),
    "원": ("Won", "Won", ("Вон",)),
    "천": ("Cheon", "Chon", ("Чхон",)),
    "방": ("Bang", "Pang", ("Пан",)),
    "공": ("Kong", "Kong", ("Кон",)),
    "현": ("Hyun", "Hyon", ("Хён",)),
}
# The DPRK writes the initial ㄹ/ㄴ that the South drops (no "initial-sound rule").
SURNAME_NORTH = {"이": "리", "임": "림", "유": "류", "양": "량", "노": "로"}


def _split(syllable: str) -> tuple[int, int, int] | None:
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:
        return None
    return code // 588, (code % 588) // 28, code % 28


@lru_cache(maxsize=4096)
def syllable(syl: str) -> tuple[str, str, str]:
    """One Hangul syllable → (RR, DPRK, Kontsevich), lower case, as a word-initial syllable."""
    parts = _split(syl)
    if parts is None:
        return syl, syl, syl
    cho, jung, jong = parts
    rr = _RR_INIT[cho] + _RR_VOW[jung] + _RR_FIN[jong]
    mr = _MR_INIT[cho] + _MR_VOW[jung] + _MR_FIN[jong]
    vowel = _KO_VOW_INITIAL.get(jung, _KO_VOW[jung]) if cho == 11 else _KO_VOW[jung]
    if cho in (12, 13, 14) and vowel.startswith(("я", "ё", "ю")):
        # After ч the iotation is not written: 져 → чо, 쥬 → чу (Kontsevich).
        vowel = {"я": "а", "ё": "о", "ю": "у"}[vowel[0]] + vowel[1:]
    ko = _KO_INIT[cho] + vowel + _KO_FIN[jong]
    return rr, mr, ko


def north_hangul(surname: str) -> str:
    """The surname as written in the DPRK."""
    return SURNAME_NORTH.get(surname, surname)


@lru_cache(maxsize=8192)
def surname_forms(surname: str, north: bool) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """→ (passport Latin, other Latin spellings, Russian spellings)."""
    if north:
        surname = north_hangul(surname)
    if surname in SURNAMES:
        rr, dprk, ru = SURNAMES[surname]
        strict_rr = "".join(syllable(s)[0] for s in surname).capitalize()
        passport = dprk if north else rr
        others = tuple(dict.fromkeys(x for x in (rr, dprk, strict_rr) if x != passport))
        return passport, others, ru
    rr, mr, ko = ("".join(syllable(s)[i] for s in surname).capitalize() for i in range(3))
    passport = mr if north else rr
    return passport, tuple(x for x in (rr, mr) if x != passport), (ko,)


@lru_cache(maxsize=16384)
def given_forms(given: str, north: bool) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Given name → (passport Latin, other Latin spellings, Russian spellings).

    South Korean passports usually join the syllables (Minjun) or hyphenate them (Min-jun);
    DPRK usage writes them apart (Jong Un). Russian writes them apart (Чон Ын) or joined.
    """
    sylls = [syllable(s) for s in given]
    rr = [s[0] for s in sylls]
    mr = [s[1] for s in sylls]
    ko = [s[2] for s in sylls]
    if north:
        passport = " ".join(x.capitalize() for x in mr)
        others = ("-".join(mr).capitalize(), "".join(rr).capitalize(), "-".join(rr).capitalize())
    else:
        passport = "".join(rr).capitalize()
        others = ("-".join(rr).capitalize(), " ".join(x.capitalize() for x in rr))
    russian = (" ".join(x.capitalize() for x in ko), "".join(ko).capitalize())
    return passport, tuple(dict.fromkeys(o for o in others if o != passport)), russian
