"""Romanisations of name tokens in each script, and spelling skeletons.

Every example is a real-world spelling pair documented in the convention named beside it
(passport tables, national romanisations, Russian practical transcription), not output of
nomina's synthetic generator.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nomina.names import consonant_key, romanisations, skeleton


def _skeletons(token: str) -> set[str]:
    return {skeleton(r) for r in romanisations(token)}


def meets(token: str, latin: str) -> bool:
    """True if a romanisation of ``token`` has the skeleton of the Latin spelling."""
    return skeleton(latin) in _skeletons(token)


# --- Cyrillic -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "spellings"),
    [
        ("Юлия", {"iuliia", "yuliya", "julija"}),  # ICAO 9303, MVD 310, ISO 9 scholarly
        ("Абдуллаев", {"abdullaev", "abdullayev"}),  # ICAO / MVD 782
        ("Щербаков", {"shcherbakov"}),
        ("Евгений", {"evgenii", "evgeniy", "yevgeniy"}),  # ICAO, MVD 310, BGN/PCGN
        ("Бахтиёр", {"bakhtiyor", "baxtiyor"}),  # MVD 782, Uzbek Latin 1995
        ("Тхапа", {"tkhapa", "thapa"}),  # ICAO; Russian transcription of Nepali थ
        ("Хосе", {"khose", "jose"}),  # Spanish J heard as Х
        ("Джон", {"dzhon", "jon"}),
        ("Ын", {"yn", "un", "eun"}),  # Kontsevich ㅡ
        ("Чхве", {"chkhve", "choe", "choi"}),  # Kontsevich 최; surname table
        ("Цой", {"tsoi", "choi", "choe"}),  # Koryo-saram spelling of 최 (Viktor Tsoi)
        ("Ли", {"li", "lee", "ri", "yi", "rhee"}),
        ("Пак", {"pak", "park", "bak"}),
        ("Чжан", {"zhang"}),  # Palladius 张
        ("Ўктам", {"uktam", "oktam"}),  # Russian document / Uzbek Latin Oʻktam
        ("Қодиров", {"kodirov"}),
    ],
)
def test_cyrillic_spellings(token: str, spellings: set[str]) -> None:
    assert spellings <= romanisations(token)


@pytest.mark.parametrize(
    ("token", "latin"),
    [
        ("Абдуллаев", "Abdulayev"),
        ("Юлия", "Yulia"),
        ("Юлия", "Julia"),
        ("Мухаммад", "Muhammad"),
        ("Гурунг", "Gurung"),
        ("Бахадур", "Bahadur"),
        ("Чхетри", "Chhetri"),
        ("Шрестха", "Shrestha"),
        ("Хуан", "Juan"),
        ("Эрнандес", "Ernandes"),
        ("Гонсалес", "Gonzalez"),
        ("Нуньес", "Nunez"),
        ("Хуршид", "Xurshid"),  # Uzbek Latin X
        ("Максим", "Maxim"),
        ("Сергеевич", "Sergeyevich"),
        ("Мария", "Maria"),
        ("Дмитрий", "Dmitry"),
        ("Ивaнов", "Ivanov"),  # a Latin "a" typed into the Cyrillic word
    ],
)
def test_cyrillic_meets_latin(token: str, latin: str) -> None:
    assert meets(token, latin)


# --- Hangul -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "spellings"),
    [
        ("김", {"kim", "gim"}),
        ("최", {"choe", "choi"}),
        ("리", {"ri", "lee", "yi", "i", "rhee"}),  # DPRK 리, South 이: one surname
        ("이", {"ri", "lee", "yi", "i", "rhee"}),
        ("박", {"pak", "park", "bak"}),
        ("정은", {"jeongeun", "jongun", "jong-un", "jong un", "chongun"}),  # RR, DPRK, MR
        ("철", {"cheol", "chol", "chul"}),
        ("룡", {"ryong", "yong"}),  # DPRK keeps the initial ㄹ, the South drops it
        ("설주", {"seolju", "solju"}),
        ("여정", {"yeojeong", "yojong"}),
        ("경희", {"gyeonghui", "kyonghui", "kyunghee"}),
        ("시", {"si", "shi"}),  # McCune–Reischauer 시 shi
    ],
)
def test_hangul_spellings(token: str, spellings: set[str]) -> None:
    assert spellings <= romanisations(token)


@pytest.mark.parametrize(
    ("north", "south", "russian"),
    [
        ("Ri", "Lee", "Ли"),
        ("Ri", "Rhee", "Ри"),
        ("Pak", "Park", "Пак"),
        ("Choe", "Choi", "Чхве"),
        ("Jong", "Jeong", "Чон"),
        ("Kang", "Gang", "Кан"),
        ("Rim", "Lim", "Рим"),
        ("Ryu", "Yoo", "Рю"),
        ("Han", "Han", "Хан"),
    ],
)
def test_korean_surnames_north_south_russian(north: str, south: str, russian: str) -> None:
    assert _skeletons(north) & _skeletons(south)
    assert _skeletons(north) & _skeletons(russian)
    assert _skeletons(south) & _skeletons(russian)


# --- Devanagari ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "spelling"),
    [
        ("राम", "ram"),  # final schwa deleted
        ("बहादुर", "bahadur"),
        ("थापा", "thapa"),
        ("गुरुङ", "gurung"),
        ("छेत्री", "chhetri"),
        ("श्रेष्ठ", "shrestha"),  # a final conjunct keeps its vowel
        ("कृष्ण", "krishna"),
        ("विशाल", "bishal"),  # Nepali व as b
        ("विशाल", "vishal"),
        ("राजकुमार", "rajkumar"),  # medial schwa deletion (VC_CV)
        ("कमला", "kamala"),
        ("कमला", "kamla"),
        ("शंकर", "shankar"),
        ("सिंह", "singh"),
        ("ज्ञान", "gyan"),
        ("राई", "rai"),
    ],
)
def test_devanagari(token: str, spelling: str) -> None:
    assert spelling in romanisations(token)


def test_nepali_name_in_three_scripts() -> None:
    for devanagari, latin, cyrillic in [
        ("राम", "Ram", "Рам"),
        ("बहादुर", "Bahadur", "Бахадур"),
        ("थापा", "Thapa", "Тхапа"),
        ("तामाङ", "Tamang", "Таманг"),
        ("लिम्बु", "Limbu", "Лимбу"),
    ]:
        assert _skeletons(devanagari) & _skeletons(latin) & _skeletons(cyrillic)


# --- Arabic, Han, Latin -------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "latin"),
    [
        ("محمد", "Muhammad"),
        ("محمد", "Mohammed"),
        ("أحمد", "Ahmed"),
        ("علي", "Ali"),
        ("فاطمة", "Fatima"),
        ("يوسف", "Yusuf"),
        ("عثمان", "Usman"),  # ث as s
        ("عثمان", "Uthman"),  # ث as th
        ("الرحمن", "Rahman"),  # the article read away
        ("وليد", "Walid"),
    ],
)
def test_arabic_consonant_keys(token: str, latin: str) -> None:
    assert consonant_key(latin) in {consonant_key(r) for r in romanisations(token)}


@pytest.mark.parametrize(
    ("token", "spellings"),
    [
        ("毛", {"mao"}),
        ("泽东", {"zedong", "ze dong"}),  # GB/T 28039-2011: given name joined
        ("近平", {"jinping"}),
        ("吕", {"lu", "lv", "lyu"}),  # ü: passports write YU
        ("单", {"shan", "dan"}),  # a surname character read every way
    ],
)
def test_han(token: str, spellings: set[str]) -> None:
    assert spellings <= romanisations(token)


@pytest.mark.parametrize(
    ("token", "spellings"),
    [
        ("José", {"jose"}),
        ("Müller", {"muller", "mueller"}),  # ICAO 9303: Ü → UE
        ("Əliyev", {"aliyev"}),
        ("Oʻgʻli", {"ogli"}),
        ("Lee", {"lee", "ri", "yi"}),  # Korean surname table
        ("Maxim", {"maxim", "maksim"}),
    ],
)
def test_latin(token: str, spellings: set[str]) -> None:
    assert spellings <= romanisations(token)


# --- skeleton -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ["Iuliia", "Yuliya", "Julija", "Yulia", "Julia"],
        ["Abdullaev", "Abdullayev", "Abdulaev"],
        ["Evgenii", "Yevgeniy", "Ievgenii", "Evgeniy"],
        ["Tkhapa", "Thapa"],
        ["Dzhon", "John", "Jon"],
        ["Shcherbakov", "Scherbakov", "Sherbakov"],
        ["Jeong", "Jong"],
        ["Eun", "Un"],
        ["Gonzalez", "Gonsales"],
        ["Kkhadka", "Khadka"],
        ["Bakhtiyor", "Baxtiyor"],
        ["Jong-un", "Jongun", "Jong un"],
        ["Jae", "Je"],
    ],
)
def test_skeleton_folds(spellings: list[str]) -> None:
    assert len({skeleton(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [("Thapa", "Tapa"), ("Ivanov", "Ivanova"), ("Kim", "Gim"), ("Ram", "Rama")],
)
def test_skeleton_keeps_apart(left: str, right: str) -> None:
    assert skeleton(left) != skeleton(right)


@given(st.text())
def test_skeleton_is_idempotent(text: str) -> None:
    once = skeleton(text)
    assert skeleton(once) == once
    assert once == "" or (once.isascii() and once.isalpha() and once.islower())


@given(st.text())
def test_romanisations_never_fail(text: str) -> None:
    for value in romanisations(text):
        assert value.isascii() and value == value.lower()
    consonant_key(text)


@given(st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), max_size=4))
def test_every_hangul_syllable_romanises(text: str) -> None:
    if text:
        assert romanisations(text)


def test_letters_no_table_knows_never_leave_latin_output_non_ascii() -> None:
    # Found by hypothesis: Ѐ (Cyrillic E with grave) passed through unchanged.
    for text in ("Ѐ", "Ѐлена", "Ǆuro"):
        assert all(value.isascii() for value in romanisations(text))
