"""A written personal name split into given names, family names, patronymic, particles.

Rules, in order (each documented where it is applied):

1. Titles ("Mr", "Dr", ...) go (rigour's person-prefix list). Tokens are runs of letters,
   digits and marks; apostrophes and hyphens stay inside a token.
2. Patronymics go to ``patronymic`` wherever they stand: Russian -ович/-евич/-ич/-овна/
   -евна/-ична (and their Latin forms -ovich, -evich, -ovna, -evna, Ukrainian -ovych,
   -ivna), and the Turkic markers with the father's name before them: Kyrgyz uulu/kyzy,
   Kazakh uly/qyzy, Uzbek oʻgʻli/qizi, Azerbaijani oğlu/qızı, in Latin and Cyrillic.
3. Particles go to ``particles``: Arabic al/el/bin/ibn/bint/ould/abu (the article also as
   a prefix: al-Rashid; the name after bin/ibn/bint — the father's, the nasab — goes to
   ``patronymic`` unless it ends the name: Muhammad bin Salman Al Saud, Osama bin Laden), Dutch/German van/von/der/den/ter, Romance de/del/della/da/dos/
   du/la/le/y. A particle is kept as a name when it is the only token left.
4. Order of the rest, first rule that applies:
   * "Family, Given" with a comma → family first;
   * Hangul or Han → family first; a name written without spaces is split after the
     surname (one syllable, or a two-syllable surname from the tables: 남궁, 欧阳);
   * citizenship of a family-first country (KP, KR, CN, TW, HK, MO, VN, HU) → family first;
   * Russian form "Family Given Patronymic": a patronymic at the end → family first;
   * the first token is a Korean surname spelling (Kim, Pak, Ri, Ким, Чхве) and the last
     is not one of the commonest (Kim, Lee/Ri, Park, Choi, Jeong) → family first (Kim
     Jong Un, Ри Сон Мин; but Jong Un Kim stays given first);
   * one end has a Russian surname ending (-ов, -ев, -ин, -ова, -ская, -ov, -eva, -sky,
     -enko, -zoda...) and the other has none → that end is the family name (Abdullaev
     Bakhtiyor, Иван Иванов);
   * Cyrillic → family first: the order of Russian forms and lists (Фамилия Имя
     Отчество), so "Тхапа Рам Бахадур" is Thapa, Ram Bahadur;
   * Hispanic citizenship and three or more tokens → the last two are family names
     (paternal and maternal: José García López);
   * otherwise given first, the last token the family name.

Comparison (``compare``) does not depend on this order being right: it pairs parts in
any order, and only weighs a pair of a given and a family name slightly less.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rigour.names import remove_person_prefixes

from nomina.names.han import COMPOUND_SURNAMES as HAN_COMPOUND
from nomina.names.han import is_han
from nomina.names.hangul import COMPOUND_SURNAMES as HANGUL_COMPOUND
from nomina.names.hangul import KOREAN_SURNAME_WORDS, is_hangul_syllable
from nomina.names.scripts import detect_script, valid_text


@dataclass(frozen=True)
class ParsedName:
    """The parts of one written name; tokens keep their original script and spelling."""

    original: str
    script: str
    given: tuple[str, ...] = ()
    family: tuple[str, ...] = ()
    patronymic: tuple[str, ...] = ()
    particles: tuple[str, ...] = ()


_PATRONYMIC_END = re.compile(
    r"(ович|евич|ёвич|ьич|ич|овна|евна|ёвна|ична|инична|ovich|evich|ovych|evych|ovitch|"
    r"ovna|evna|ivna|ichna|yevich|yevna)$"
)
# Turkic patronymic markers: the name before one is the father's.
MARKERS = frozenset(
    "uulu kyzy kizi qizi qyzy uly ulu ogli ugli ogly oglu gizi kyzi gyzy "
    "уулу кызы кизи қизи қызы улы ұлы угли ўғли оглы оглу огли гызы".split()
)
PARTICLES = frozenset(
    "al el bin ibn bint binti ould abu van von der den ter ten de del della di da das dos "
    "du la le y ben аль ибн бин бен ван фон дер де дель ла ле".split()
)
_NASAB = frozenset("bin ibn bint binti ould ben бин ибн бен".split())
_TOP_KOREAN = frozenset(
    "kim gim lee ri li yi rhee park pak bak choi choe jeong jung chung ким ли ри пак чхве цой чон".split()
)
_FAMILY_FIRST = frozenset("KP KR CN TW HK MO VN HU".split())
_HISPANIC = frozenset("ES MX CU VE CO AR PE CL EC GT BO DO HN PY SV NI CR PA UY PR GQ".split())
_SURNAME_END = re.compile(
    r"(ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|ская|цкий|цкая|ko|ov|ev|yev|ova|eva|yeva|"
    r"ina|sky|skiy|skii|skaya|skaia|енко|enko|zoda|zade|зода|заде)$"
)
_APOSTROPHE = "'’ʼʻ‘`"


def _is_token_char(char: str) -> bool:
    return (
        char.isalnum() or char in _APOSTROPHE or char == "-" or unicodedata.category(char)[0] == "M"
    )


# Joiners shape letters inside a word (देवेन्\u200dद्र, Persian ZWNJ); the word joiner and a
# stray byte-order mark join or mark nothing: all of them go, none of them splits a word.
INVISIBLE_JOINERS = dict.fromkeys(map(ord, "\u200c\u200d\u2060\ufeff"))
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9'`\-]+")


def tokens(text: str) -> list[str]:
    """Name tokens: runs of letters, digits and marks (apostrophes and hyphens inside);
    zero-width joiners, which shape letters inside a word, do not split it."""
    if text.isascii():
        found = (t.strip(_APOSTROPHE + "-") for t in _ASCII_TOKEN.findall(text))
        return [t for t in found if any(c.isalnum() for c in t)]
    text = text.translate(INVISIBLE_JOINERS)
    words = text.split()
    if all(word.isalnum() for word in words):  # most names: letters between spaces
        return words
    out, current = [], []
    for char in text:
        if _is_token_char(char):
            current.append(char)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    cleaned = (t.strip(_APOSTROPHE + "-") for t in out)
    return [t for t in cleaned if any(c.isalnum() for c in t)]


@lru_cache(maxsize=1 << 16)
def _fold(token: str) -> str:
    value = unicodedata.normalize("NFKD", token.lower())
    return "".join(c for c in value if c.isalnum())


def is_marker(token: str) -> bool:
    return _fold(token) in MARKERS


def is_patronymic(token: str) -> bool:
    folded = _fold(token)
    return len(folded) > 5 and bool(_PATRONYMIC_END.search(folded))


# The Arabic article written onto the name, with its sun-letter forms (ar-Rahman, as-Sayed)
_ARTICLE = re.compile(r"(al|el|ar|as|ash|ad|an|ал|аль|ас|ар|аш|ад|ан)-", re.IGNORECASE)


def _split_particles(words: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(kept, particles, nasab): the father's names that follow bin/ibn come third."""
    kept: list[str] = []
    particles: list[str] = []
    nasab: list[str] = []
    for i, word in enumerate(words):
        if i and _fold(words[i - 1]) in _NASAB and i < len(words) - 1:
            nasab.append(word)
            continue
        if "-" in word and (prefix := _ARTICLE.match(word)) and len(word) > prefix.end() + 1:
            particles.append(prefix.group(1))
            word = word[prefix.end() :]
        if _fold(word) in PARTICLES:
            particles.append(word)
        else:
            kept.append(word)
    if not kept and particles:  # "De", "Van" alone are names
        return particles[-1:], particles[:-1], nasab
    return kept, particles, nasab


def _take_patronymic(words: list[str]) -> tuple[list[str], list[str], bool]:
    """Remove patronymic tokens; report whether one stood at the end."""
    kept: list[str] = []
    patronymic: list[str] = []
    at_end = False
    for i, word in enumerate(words):
        if is_marker(word):
            if kept:
                patronymic.append(kept.pop())
            patronymic.append(word)
            at_end = i == len(words) - 1
        elif is_patronymic(word) and len(words) > 1:
            patronymic.append(word)
            at_end = i == len(words) - 1
        else:
            kept.append(word)
    return kept, patronymic, at_end


def _east_asian_split(word: str) -> list[str]:
    """A Hangul or Han name written in one run: surname, then the given name."""
    if len(word) < 2 or not (is_hangul_syllable(word[0]) or is_han(word[0])):
        return [word]
    cut = 2 if len(word) > 2 and word[:2] in (HANGUL_COMPOUND | HAN_COMPOUND) else 1
    return [word[:cut], word[cut:]]


def _order(
    words: list[str], script: str, citizenship: str, patronymic_at_end: bool
) -> tuple[list[str], list[str]]:
    """(given, family) from the tokens left after patronymics and particles."""
    if len(words) == 1 and script in ("Hangul", "Han"):
        words = _east_asian_split(words[0])
    if len(words) < 2:
        return words, []
    first, last = _fold(words[0]), _fold(words[-1])
    family_first = (words[1:], words[:1])
    if (
        script in ("Hangul", "Han")
        or citizenship in _FAMILY_FIRST
        or patronymic_at_end
        or (first in KOREAN_SURNAME_WORDS and last not in _TOP_KOREAN)
    ):
        return family_first
    first_surname, last_surname = _SURNAME_END.search(first), _SURNAME_END.search(last)
    if first_surname and not last_surname:
        return family_first
    if script == "Cyrillic" and not (last_surname and not first_surname):
        return family_first
    if citizenship in _HISPANIC and len(words) >= 3:
        return words[:-2], words[-2:]
    return words[:-1], words[-1:]


@lru_cache(maxsize=1 << 16)
def _parse_full(full_name: str, citizenship: str) -> ParsedName:
    text = unicodedata.normalize("NFC", valid_text(full_name)).strip()
    script = detect_script(text)
    stripped = remove_person_prefixes(text) or text
    if "," in stripped:
        head, _, tail = stripped.partition(",")
        family, family_particles, _ = _split_particles(tokens(head))
        rest, patronymic, _ = _take_patronymic(tokens(tail))
        given, given_particles, nasab = _split_particles(rest)
        return ParsedName(text, script, tuple(given), tuple(family), tuple(patronymic + nasab),
                          tuple(family_particles + given_particles))  # fmt: skip
    words, patronymic, at_end = _take_patronymic(tokens(stripped))
    words, particles, nasab = _split_particles(words)
    given, family = _order(words, script, citizenship, at_end)
    return ParsedName(text, script, tuple(given), tuple(family), tuple(patronymic + nasab),
                      tuple(particles))  # fmt: skip


def _parse_parts(given: str, family: str, patronymic: str, original: str) -> ParsedName:
    family_words, family_patronymic, _ = _take_patronymic(tokens(family))
    given_words, given_patronymic, _ = _take_patronymic(tokens(given))
    family_words, family_particles, family_nasab = _split_particles(family_words)
    given_words, given_particles, given_nasab = _split_particles(given_words)
    if len(family_words) == 1 and not given_words:
        family_words = _east_asian_split(family_words[0])
        given_words, family_words = family_words[1:], family_words[:1]
    patronymic_words = (
        given_patronymic + given_nasab + family_patronymic + family_nasab + tokens(patronymic)
    )
    return ParsedName(
        original,
        detect_script(original),
        tuple(given_words),
        tuple(family_words),
        tuple(patronymic_words),
        tuple(family_particles + given_particles),
    )


def parse_name(
    full_name: str | None = None,
    *,
    given: str | None = None,
    family: str | None = None,
    patronymic: str | None = None,
    citizenship: str | None = None,
) -> ParsedName:
    """Parse a name from its parts when given (patronymics and particles found in the
    wrong field are moved), else from the full name by the rules in the module doc."""
    country = (citizenship or "").strip().upper()
    if given or family or patronymic:
        given, family, patronymic = (valid_text(p or "") for p in (given, family, patronymic))
        parts = [p for p in (family, given, patronymic) if p]
        original = valid_text(full_name or " ".join(parts)).strip()
        return _parse_parts(given, family, patronymic, original)
    return _parse_full(full_name or "", country)
