"""A person's name as each kind of document writes it (before typos).

- Russian documents: Cyrillic from the clerk's transcription, family name first, and an
  "Отчество" column that clerks fill however they can: a Russian-style patronymic, the
  Uzbek "угли/кизи" or Kyrgyz "уулу/кызы" marker (alone or with the father's name), an
  Arab father's name, a Nepali middle name; Hispanic second surnames often dropped.
- Passports: A–Z per ICAO 9303; a person keeps one passport spelling everywhere.
- Open sources: Latin as journalists write it (variant spellings, partial names).
- Families: the native script and native order.
"""

from __future__ import annotations

import random

from .forms import Forms, part_forms, russian_patronymic
from .latin import uzbek_cyrillic
from .pools import POOLS
from .population import Person

_MARKERS = {"уулу", "кызы"}


def _f(p: Person, role: str, text: str) -> Forms:
    return part_forms(p.name.pool, role, text, p.north)


def _pick(rng: random.Random, variants: tuple[str, ...], p_first: float) -> str:
    if len(variants) == 1 or rng.random() < p_first:
        return variants[0]
    return variants[1 + int(rng.random() * (len(variants) - 1))]


def russian(p: Person, rng: random.Random, variant: float = 0.15) -> tuple[str, str, str]:
    """(family, given, patronymic) in a Russian clerk's Cyrillic."""
    name, pool = p.name, POOLS[p.name.pool]
    keep = 1.0 - variant
    family = [_pick(rng, _f(p, "family", w).cyr, keep) for w in name.family]
    given = [_pick(rng, _f(p, "given", w).cyr, keep) for w in name.given]
    if pool.double_surname and len(family) > 1 and rng.random() < 0.4:
        family = family[:1]
    father = _pick(rng, _f(p, "father", name.father).cyr, keep) if name.father else ""
    female, style, x = name.female, pool.patronymic, rng.random()
    patr = ""
    if style == "ru":
        patr = russian_patronymic(father, female) if x < 0.9 else ""
    elif style == "uz":
        marker = "кизи" if female else "угли"
        if x < 0.5:
            patr = russian_patronymic(father, female)
        elif x < 0.7:
            patr = f"{father} {marker}"
        elif x < 0.8:
            patr = marker  # the marker alone, misplaced into the patronymic column
    elif style == "kg":
        if name.family[-1] in _MARKERS:
            marker = name.family[-1]
            if x < 0.35:
                family, patr = [father], marker  # "Бакыт" / "уулу"
            elif x < 0.5:
                family, patr = [f"{father} {marker}"], russian_patronymic(father, female)
            elif x < 0.6:
                family = [father + ("ова" if female else "ов")]  # a surname invented by the clerk
        elif x < 0.8:
            patr = russian_patronymic(father, female)
    elif style == "kz":
        if x < 0.6:
            patr = russian_patronymic(father, female)
        elif x < 0.75:
            patr = father + ("кызы" if female else "улы")
    elif style == "az":
        if x < 0.5:
            patr = f"{father} {'кызы' if female else 'оглы'}"
        elif x < 0.7:
            patr = russian_patronymic(father, female)
    elif style == "ar" and x < 0.5:
        patr = father
    if pool.kind == "deva_ne" and len(given) > 1 and x < 0.3:
        given, patr = given[:1], " ".join(given[1:])  # "Бахадур" written as a patronymic
    return " ".join(family), " ".join(given), patr


def passport(p: Person) -> tuple[str, str]:
    """(surname, given names) as in the machine-readable zone: A–Z and spaces."""
    name = p.name
    old = p.channel % 7 == 0  # about one in seven still travels on an older passport

    def one(role: str, text: str) -> str:
        variants = _f(p, role, text).passport
        return variants[1] if old and len(variants) > 1 else variants[0]

    family = " ".join(one("family", w) for w in name.family)
    given = " ".join(one("given", w) for w in name.given)
    if POOLS[name.pool].patronymic == "ar" and name.father and p.channel % 5 < 3:
        given += " " + one("father", name.father)  # Arab passports often carry the father's name
    return family, given


def latin(p: Person, rng: random.Random) -> tuple[str, str]:
    """(family, given) as news and open lists write them, with the usual omissions."""
    name, pool = p.name, POOLS[p.name.pool]
    family = [_pick(rng, _f(p, "family", w).latin, 0.6) for w in name.family]
    given = [_pick(rng, _f(p, "given", w).latin, 0.6) for w in name.given]
    if pool.double_surname and len(family) > 1 and rng.random() < 0.6:
        family = family[:1]
    if len(given) > 1 and rng.random() < 0.3:
        given = given[:1]
    return " ".join(family), " ".join(given)


def native_full(p: Person, rng: random.Random) -> str:
    """The full name as the family writes it, in native script and order."""
    name, pool = p.name, POOLS[p.name.pool]
    family = [_f(p, "family", w).native for w in name.family]
    given = list(name.given)
    if pool.kind in ("ko", "zh"):
        return "".join(family) + "".join(given)
    if pool.kind == "ar" and name.father:
        return " ".join([*given, name.father, *family])
    if pool.kind == "uz" and rng.random() < 0.3:
        # Older family members still write Uzbek in Cyrillic (with Ў Қ Ғ Ҳ).
        return " ".join(uzbek_cyrillic(w)[0] for w in " ".join([*given, *family]).split())
    if pool.kind == "cyr" and rng.random() < 0.6:
        patr = russian_patronymic(name.father, name.female) if name.father else ""
        if name.family[-1] in _MARKERS:
            patr = ""
        return " ".join(x for x in [*family, *given, patr] if x)
    if pool.family_first:
        return " ".join([*family, *given])
    return " ".join([*given, *family])


def native_parts(p: Person) -> tuple[str, str, str]:
    """(family, given, father) in native script, as the person's own documents have them."""
    name = p.name
    family = " ".join(_f(p, "family", w).native for w in name.family)
    return family, " ".join(name.given), name.father or ""
