"""Korean names: Hangul to the Latin spellings of both Koreas, and the surname table.

Hangul syllables are decomposed algorithmically (Unicode §3.12: 19 initials × 21
vowels × 28 finals from U+AC00) and each syllable is written in:

* Revised Romanisation of Korean (RR, Ministry of Culture and Tourism notice 2000-8):
  ㄱ g, ㅈ j, ㅓ eo, ㅡ eu, ㅕ yeo; in personal names syllables are written without the
  sound changes between them (RR chapter 3, item 4), so syllable by syllable is the
  rule, not an approximation;
* McCune–Reischauer (1939), ASCII without breves and apostrophes: ㄱ k, ㅈ ch, ㅓ ŏ o,
  ㅡ ŭ u, 시 shi;
* the DPRK's official romanisation (1992): as McCune–Reischauer but ㅈ j and the
  aspirates ㅋ ㅌ ㅍ written kh th ph (김정은 Kim Jong Un, 최룡해 Choe Ryong Hae);
* the spellings South Koreans themselves choose in passports (ㅓ u in Jung, Sung, Hyun,
  Chul; ㅜ oo in Soo, Joo; ㅚ oi in Choi; ㅢ ee in Hee), which are not a system but are
  common.

The DPRK keeps an initial ㄹ and ㄴ that the South drops (리/이, 룡/용, 녀/여: the
South's 두음법칙, initial sound law, Korean orthography §10–12), so each syllable also
gets its southern twin.

Surnames are spelt by custom rather than by any system, so the common ones come from a
table: Hangul, the Latin spellings in use (RR, MR, DPRK, and the customary spellings
South Korean passports keep for surnames: Lee, Park, Choi, Jung, Yoon), and the Russian
spellings (Kontsevich system and the customary Koryo-saram spellings, e.g. Цой
for 최, Тё for 조, Тен for 정).
"""

from __future__ import annotations

import itertools
from functools import lru_cache

_RR_INITIAL = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_MR_INITIAL = "k kk n t tt r m p pp s ss - ch tch ch k t p h".split()
_NK_INITIAL = "k kk n t tt r m p pp s ss - j jj ch kh th ph h".split()
_RR_VOWEL = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_MR_VOWEL = "a ae ya yae o e yo ye o wa wae oe yo u wo we wi yu u ui i".split()
_POP_VOWEL = "a ae ya yae u e yu ye o wa wae oi yo oo wo we wi yu eu ee i".split()
_FINAL = "- k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()


def _letters(table: list[str], index: int) -> str:
    value = table[index]
    return "" if value == "-" else value


def _southern(initial: int, vowel: int) -> int:
    """The initial the South writes at the start of a word (두음법칙)."""
    iotated = vowel in (2, 6, 7, 12, 17, 20)  # ㅑ ㅕ ㅖ ㅛ ㅠ ㅣ
    if initial == 5:  # ㄹ → ㅇ before i/y, else ㄴ
        return 11 if iotated else 2
    if initial == 2 and iotated:  # ㄴ → ㅇ before i/y
        return 11
    return initial


def is_hangul_syllable(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"


@lru_cache(maxsize=1 << 14)
def syllable_romanisations(syllable: str) -> tuple[str, ...]:
    """Spellings of one Hangul syllable: RR, DPRK, MR, customary, then mixtures."""
    index = ord(syllable) - 0xAC00
    initial, vowel, final = index // 588, (index % 588) // 28, index % 28
    end = _letters(_FINAL, final)
    initials = []
    for i in dict.fromkeys((initial, _southern(initial, vowel))):
        initials += [_letters(t, i) for t in (_RR_INITIAL, _NK_INITIAL, _MR_INITIAL)]
        if i == 9 and vowel in (16, 20):  # 시 shi, 쉬 shwi (MR and customary)
            initials.append("sh")
    vowels = [_letters(t, vowel) for t in (_RR_VOWEL, _MR_VOWEL, _POP_VOWEL)]
    if final == 21 and vowel == 6:  # 영 is customarily Young
        vowels.append("you")
    out = [a + b + end for a, b in itertools.product(dict.fromkeys(initials), vowels)]
    return tuple(dict.fromkeys(out))


_MAX_JOINED = 32


def hangul_romanisations(token: str) -> tuple[str, ...]:
    """Spellings of a Hangul token: its syllables joined, hyphenated and split (given
    names are written all three ways: Jongun, Jong-un, Jong Un), with the surname table
    for a one- or two-syllable token that is a surname."""
    syllables = [c for c in token if is_hangul_syllable(c)]
    if not syllables:
        return ()
    out: list[str] = list(HANGUL_SURNAMES.get("".join(syllables), ()))
    options = [syllable_romanisations(s) for s in syllables]
    for system in range(3):  # whole-name RR, DPRK, MR: joined, hyphenated, split
        parts = [o[min(system, len(o) - 1)] for o in options]
        out += ["".join(parts), "-".join(parts), " ".join(parts)]
    out += ["".join(p) for p in itertools.islice(itertools.product(*options), _MAX_JOINED)]
    return tuple(dict.fromkeys(v for v in out if v.strip(" -")))


# Hangul (both Koreas' forms) | Latin spellings | Russian spellings.
_SURNAMES = """
김 | kim gim | ким
이 리 | lee yi i rhee ri li rhie | ли ри и
박 | park pak bak | пак
최 | choi choe chwe | чхве цой чой
정 | jeong jung chung chong jong cheong | чон чен тен
강 | kang gang | кан
조 | cho jo joe | чо тё чё
윤 | yoon yun youn | юн
장 | jang chang | чан тян
임 림 | lim im rim yim | им лим рим
한 | han | хан
오 | oh o | о
서 | seo suh so | со
신 | shin sin | син шин
권 | kwon gwon | квон
황 | hwang | хван
안 | ahn an | ан
송 | song | сон
류 유 | ryu yu yoo you lyu | рю лю ю
전 | jeon chun jun chon | чон чен тён
홍 | hong | хон
고 | ko go koh | ко
문 | moon mun | мун
양 량 | yang ryang | ян рян лян
손 | son sohn | сон
배 | bae pae | пэ пе
백 | baek paek paik baik | пэк пек
허 | heo hur huh ho | хо хе
남 | nam | нам
심 | shim sim | сим шим
노 로 | noh roh no ro | но ро
하 | ha | ха
곽 | kwak gwak | квак
성 | sung seong song | сон
차 | cha | ча
주 | joo ju chu | чу тю
우 | woo u | у
구 | koo ku gu | ку
민 | min | мин
진 | jin chin | чин
지 | ji chi | чи
엄 | eom um om | ом
채 | chae | чхэ
원 | won | вон
천 | cheon chun chon | чхон
방 | bang pang | пан
공 | kong gong | кон
현 | hyun hyeon hyon | хён
함 | ham | хам
변 | byun byeon pyon | пён
염 렴 | yeom yum yom ryom | ём рём
여 려 | yeo yo ryo | ё рё
추 | chu choo | чху
도 | do to | то
석 | seok suk sok | сок
선 | sun seon son | сон
설 | seol sol | соль
마 | ma | ма
길 | gil kil | киль
연 | yeon yon | ён
위 | wi wee | ви
표 | pyo | пхё
명 | myung myeong myong | мён
기 | ki gi | ки
반 | ban pan | пан
왕 | wang | ван
금 | keum geum kum | кым
옥 | ok | ок
육 | yuk | юк
인 | in | ин
탁 | tak | так
국 | kook guk kuk | кук
편 | pyeon phyon pyun | пхён
용 | yong | ён
태 | tae thae | тхэ
남궁 | namgung namkung | намгун
황보 | hwangbo | хванбо
제갈 | jegal chegal | чегаль
선우 | sunwoo seonu sonu | сону
독고 | dokgo tokko | токко
사공 | sagong sakong | сагон
서문 | seomun somun | сомун
"""


def _load() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], frozenset[str]]:
    hangul: dict[str, tuple[str, ...]] = {}
    cyrillic: dict[str, tuple[str, ...]] = {}
    for line in _SURNAMES.strip().splitlines():
        forms, latin, russian = (part.split() for part in line.split("|"))
        for form in forms:
            hangul[form] = tuple(latin)
        for word in russian:  # a Russian spelling shared by several surnames reads as any
            cyrillic[word] = tuple(dict.fromkeys(cyrillic.get(word, ()) + tuple(latin)))
    compound = frozenset(form for form in hangul if len(form) == 2)
    return hangul, cyrillic, compound


HANGUL_SURNAMES, KONTSEVICH_SURNAMES, COMPOUND_SURNAMES = _load()
# Latin and Russian spellings that mark a name as Korean and family-first when they open it.
KOREAN_SURNAME_WORDS = frozenset(
    [w for v in HANGUL_SURNAMES.values() for w in v if len(w) > 1] + list(KONTSEVICH_SURNAMES)
)
