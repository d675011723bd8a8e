"""Chinese names in Han characters, in Hanyu Pinyin without tones.

Pinyin comes from ``pypinyin`` (its own dictionary, no download). The spelling follows
GB/T 28039-2011 "Basic rules of the Chinese phonetic alphabet spelling of Chinese
names": family name and given name are separate words, the syllables of a given name
are written together (毛泽东 Mao Zedong). ü is written u, v (as typed) or yu (Chinese
passports: 吕 LYU, 女 NYU). A surname character with several readings is read in all of
them (单 Shan/Dan/Chan, 曾 Zeng/Ceng), since pypinyin cannot tell a surname from a word.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from pypinyin import Style, pinyin

# Two-character surnames (复姓) of the Baijiaxing that are still in use.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 夏侯 轩辕 司徒 端木 申屠 "
    "宇文 南宫 西门 独孤 百里 呼延 澹台 万俟 闻人 东郭 司空 钟离 太史 第五".split()
)
_MAX_VARIANTS = 16


def is_han(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff"
    )


def _u_forms(syllable: str) -> tuple[str, ...]:
    if "v" not in syllable:
        return (syllable,)
    return (syllable.replace("v", "u"), syllable, syllable.replace("v", "yu"))


@lru_cache(maxsize=1 << 15)
def han_romanisations(token: str) -> tuple[str, ...]:
    """Pinyin spellings of one Han word: syllables joined, then split and hyphenated."""
    chars = "".join(c for c in token if is_han(c))
    if not chars:
        return ()
    readings = pinyin(chars, style=Style.NORMAL, heteronym=True, errors="ignore")
    options: list[tuple[str, ...]] = []
    for i, syllables in enumerate(readings):
        chosen = syllables if i == 0 and len(chars) <= 2 else syllables[:1]
        options.append(tuple(dict.fromkeys(f for s in chosen for f in _u_forms(s))))
    first = [o[0] for o in options]
    out = ["".join(first), " ".join(first), "-".join(first)]
    out += ["".join(p) for p in itertools.islice(itertools.product(*options), _MAX_VARIANTS)]
    return tuple(dict.fromkeys(v for v in out if v.strip(" -")))
