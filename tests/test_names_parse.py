"""Parsing written names into given, family, patronymic and particles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nomina.names import ParsedName, parse_name


@pytest.mark.parametrize(
    ("text", "given", "family", "patronymic", "particles"),
    [
        ("Ram Bahadur Thapa", ("Ram", "Bahadur"), ("Thapa",), (), ()),
        ("Thapa, Ram Bahadur", ("Ram", "Bahadur"), ("Thapa",), (), ()),
        # Cyrillic: family first as in Russian forms, unless the surname ending says not
        ("Тхапа Рам Бахадур", ("Рам", "Бахадур"), ("Тхапа",), (), ()),
        ("Иван Иванов", ("Иван",), ("Иванов",), (), ()),
        # Russian form: Family Given Patronymic
        ("Иванов Иван Иванович", ("Иван",), ("Иванов",), ("Иванович",), ()),
        ("Ivan Petrovich Ivanov", ("Ivan",), ("Ivanov",), ("Petrovich",), ()),
        ("Абдуллаева Нодира Алишеровна", ("Нодира",), ("Абдуллаева",), ("Алишеровна",), ()),
        ("Abdullaev Bakhtiyor", ("Bakhtiyor",), ("Abdullaev",), (), ()),
        # East Asian: family first
        ("Kim Jong Un", ("Jong", "Un"), ("Kim",), (), ()),
        ("Ким Чен Ын", ("Чен", "Ын"), ("Ким",), (), ()),
        ("Ри Сон Мин", ("Сон", "Мин"), ("Ри",), (), ()),
        ("김정은", ("정은",), ("김",), (), ()),
        ("남궁민수", ("민수",), ("남궁",), (), ()),  # two-syllable surname
        ("毛泽东", ("泽东",), ("毛",), (), ()),
        ("欧阳修", ("修",), ("欧阳",), (), ()),
        ("Jong Un Kim", ("Jong", "Un"), ("Kim",), (), ()),  # stays given first
        # particles
        ("Ahmed al-Rashid", ("Ahmed",), ("Rashid",), (), ("al",)),
        ("Jan van der Berg", ("Jan",), ("Berg",), (), ("van", "der")),
        ("Juan de la Cruz", ("Juan",), ("Cruz",), (), ("de", "la")),
        ("Muhammad bin Salman Al Saud", ("Muhammad",), ("Saud",), ("Salman",), ("bin", "Al")),
        ("Osama bin Laden", ("Osama",), ("Laden",), (), ("bin",)),
        # Turkic patronymic markers
        ("Asanov Bakyt Almaz uulu", ("Bakyt",), ("Asanov",), ("Almaz", "uulu"), ()),
        ("Aliyeva Leyla Ilham qizi", ("Leyla",), ("Aliyeva",), ("Ilham", "qizi"), ()),
        ("Mr. John Smith", ("John",), ("Smith",), (), ()),
    ],
)
def test_parse_full_name(
    text: str,
    given: tuple[str, ...],
    family: tuple[str, ...],
    patronymic: tuple[str, ...],
    particles: tuple[str, ...],
) -> None:
    parsed = parse_name(text)
    assert (parsed.given, parsed.family, parsed.patronymic, parsed.particles) == (
        given,
        family,
        patronymic,
        particles,
    )
    assert parsed.original == text


def test_citizenship_decides_order() -> None:
    assert parse_name("Li Wei", citizenship="CN").family == ("Li",)
    assert parse_name("Nguyen Van An", citizenship="vn").family == ("Nguyen",)
    # Hispanic: paternal and maternal surname
    hispanic = parse_name("José Luis García López", citizenship="CU")
    assert hispanic.given == ("José", "Luis")
    assert hispanic.family == ("García", "López")


@pytest.mark.parametrize(
    ("given", "family", "patronymic", "expect_given", "expect_patronymic"),
    [
        ("Bakyt Almaz uulu", "Asanov", None, ("Bakyt",), ("Almaz", "uulu")),
        ("Aigul", "Asanova", "Nurlan kyzy", ("Aigul",), ("Nurlan", "kyzy")),
        ("Alisher Karim o'g'li", "Tursunov", None, ("Alisher",), ("Karim", "o'g'li")),
        ("Нодира Алишер қизи", "Юсупова", None, ("Нодира",), ("Алишер", "қизи")),
        ("Ivan Petrovich", "Ivanov", None, ("Ivan",), ("Petrovich",)),
        ("Мария", "Иванова", "Сергеевна", ("Мария",), ("Сергеевна",)),
        ("Ахмед", "Алиев Рашид угли", None, ("Ахмед",), ("Рашид", "угли")),
    ],
)
def test_parts_move_patronymics(
    given: str,
    family: str,
    patronymic: str | None,
    expect_given: tuple[str, ...],
    expect_patronymic: tuple[str, ...],
) -> None:
    parsed = parse_name(given=given, family=family, patronymic=patronymic)
    assert parsed.given == expect_given
    assert parsed.patronymic == expect_patronymic


def test_parts_keep_fields() -> None:
    parsed = parse_name(given="Jong Un", family="Kim")
    assert parsed == ParsedName("Kim Jong Un", "Latin", ("Jong", "Un"), ("Kim",), (), ())
    assert parse_name(given="정은", family="김").family == ("김",)
    assert parse_name(family="van der Berg", given="Jan").particles == ("van", "der")
    assert parse_name(family="김정은").given == ("정은",)  # a whole Korean name in one field


def test_empty() -> None:
    assert parse_name("") == ParsedName("", "Unknown")
    assert parse_name(None).given == ()


@given(
    st.text(),
    st.one_of(st.none(), st.text(max_size=8)),
    st.one_of(st.none(), st.text(max_size=3)),
)
def test_parse_never_fails(text: str, part: str | None, country: str | None) -> None:
    parse_name(text, citizenship=country)
    parse_name(given=part, family=text, patronymic=part)


def test_a_joiner_inside_a_word_keeps_it_one_token():
    from nomina.names.parse import tokens

    assert tokens("देवेन्\u200dद्र कुमार") == ["देवेन्द्र", "कुमार"]


def _tokens_by_the_rule(text: str) -> list[str]:
    """The rule `tokens` documents, one character at a time: runs of letters, digits,
    marks, apostrophes and hyphens (joiners dropped), trimmed of apostrophes and
    hyphens, holding a letter or digit."""
    import unicodedata

    from nomina.names.parse import INVISIBLE_JOINERS

    runs, current = [], ""
    for char in text.translate(INVISIBLE_JOINERS) + " ":
        inside = char.isalnum() or char in "'’ʼʻ‘`-" or unicodedata.category(char)[0] == "M"
        if inside:
            current += char
        elif current:
            runs.append(current)
            current = ""
    trimmed = (run.strip("'’ʼʻ‘`-") for run in runs)
    return [run for run in trimmed if any(c.isalnum() for c in run)]


@settings(max_examples=300)
@given(
    st.text(alphabet=st.sampled_from("Иван Ким Чен ून् देवेन्\u200dद्र O'Brien al-Asad é\u0301, .\t-'"))
)
def test_tokens_follow_their_rule_on_any_text(text: str) -> None:
    from nomina.names.parse import tokens

    assert tokens(text) == _tokens_by_the_rule(text)
