"""Per-country name pools in native script, read once from Faker's providers.

Faker's person providers hold plain lists (`first_names_male`, `last_names`, sometimes with
frequency weights); reading them directly is far faster than calling Faker per person.
Countries without a locale borrow the nearest pool, named in `POOLS` (see countries.py for
which country uses which pool):

- Turkmenistan borrows the Uzbek pool (Turkic, same Islamic name stock, -ov surnames);
  Mongolia the Kazakh one (Russian-form Cyrillic names with -ов surnames);
- Belarus, Transnistria, Abkhazia, South Ossetia and Israel borrow ru_RU (their recruits'
  names are written in Russian form);
- Afghanistan, Iran, Somalia and the Arab states share the curated Arabic pool;
- Serbia, Bosnia, Montenegro, Kosovo and Albania borrow hr_HR (Serbian Latin ≈ Croatian);
  North Macedonia borrows bg_BG; Poland takes its surnames from cs_CZ (pl_PL has none);
  Lithuania its given names from lv_LV;
- Thailand, Myanmar, Laos, Cambodia and Malaysia borrow id_ID (Latin, South-East Asian);
  the Philippines English given names and Spanish surnames; Japan the English pool;
- francophone Central and West Africa: French or Sahelian given names with Ghanaian and
  Nigerian surnames; southern Africa zu_ZA; East Africa en_KE and sw.
"""

from __future__ import annotations

import importlib
import random
from bisect import bisect
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from . import curated

_CUBAN_GIVEN = (
    "Yoandry Yoel Yordanis Yunior Yasmani Yoelvis Maykel Dayron Yosvany Reinier Yulieski "
    "Osmany Yuniel Dairon Yander Leosvany Yusniel Alexei Yaniel Orlando Raúl Ernesto"
).split()
_SAHEL_GIVEN = (
    "Moussa Ibrahima Amadou Ousmane Mamadou Abdoulaye Souleymane Cheikh Modou Boubacar "
    "Seydou Issa Idrissa Aliou Lamine Oumar Yacouba Adama Salif"
).split()


@dataclass(frozen=True, slots=True)
class Pool:
    """Where a country's names come from and how they are written."""

    kind: str  # latin | uz | cyr | bg | deva_ne | deva_hi | beng | sinh | ko | zh | ar | icu
    given_lang: str  # Russian transcription rules for given names (russian.py)
    family_lang: str
    male: tuple[str, ...]  # locale:attribute sources, or curated lists
    female: tuple[str, ...]
    family: tuple[str, ...]
    family_female: tuple[str, ...] = ()
    family_first: bool = False  # native order (Korean, Chinese, Hungarian, Vietnamese)
    patronymic: str = ""  # ru | uz | kg | kz | az | ar (father's name) | "" none
    double_surname: bool = False


def _f(loc: str, *attrs: str) -> tuple[str, ...]:
    return tuple(f"{loc}:{a}" for a in attrs)


POOLS: dict[str, Pool] = {
    "uz": Pool("uz", "", "", _f("uz_UZ", "first_names_male"), _f("uz_UZ", "first_names_female"),
               _f("uz_UZ", "last_names_male"), _f("uz_UZ", "last_names_female"), patronymic="uz"),
    "kz": Pool("cyr", "", "", ("cur:KAZAKH_MALE",), ("cur:KAZAKH_FEMALE",), ("cur:KAZAKH_FAMILY",),
               patronymic="kz"),
    "tj": Pool("cyr", "", "", ("cur:TAJIK_MALE",), ("cur:TAJIK_FEMALE",), ("cur:TAJIK_FAMILY",),
               patronymic="ru"),
    "kg": Pool("cyr", "", "", ("cur:KYRGYZ_MALE",), ("cur:KYRGYZ_FEMALE",), ("cur:KYRGYZ_FAMILY",),
               patronymic="kg"),
    "ru": Pool("cyr", "", "", _f("ru_RU", "first_names_male"), _f("ru_RU", "first_names_female"),
               _f("ru_RU", "last_names_male"), _f("ru_RU", "last_names_female"), patronymic="ru"),
    "bg": Pool("bg", "", "", _f("bg_BG", "first_names_male"), _f("bg_BG", "first_names_female"),
               _f("bg_BG", "last_names_male"), _f("bg_BG", "last_names_female")),
    "hy": Pool("icu", "hy", "hy", _f("hy_AM", "first_names_male"),
               _f("hy_AM", "first_names_female"), _f("hy_AM", "last_names")),
    "ka": Pool("icu", "generic", "generic", _f("ka_GE", "first_names_male"),
               _f("ka_GE", "first_names_female"), _f("ka_GE", "last_names")),
    "el": Pool("icu", "generic", "generic", _f("el_GR", "first_names_male"),
               _f("el_GR", "first_names_female"), _f("el_GR", "last_names_male"),
               _f("el_GR", "last_names_female")),
    "az": Pool("latin", "tr", "tr", _f("az_AZ", "first_names_male"), _f("az_AZ", "first_names_female"),
               _f("az_AZ", "last_names_male"), _f("az_AZ", "last_names_female"), patronymic="az"),
    "tr": Pool("latin", "tr", "tr", _f("tr_TR", "first_names_male"), _f("tr_TR", "first_names_female"),
               _f("tr_TR", "last_names")),
    "ne": Pool("deva_ne", "", "", _f("ne_NP", "first_names_male"), _f("ne_NP", "first_names_female"),
               _f("ne_NP", "last_names")),
    "hi": Pool("deva_hi", "", "", _f("hi_IN", "first_names_male"), _f("hi_IN", "first_names_female"),
               _f("hi_IN", "last_names")),
    "bn": Pool("beng", "", "", _f("bn_BD", "first_names_male"), _f("bn_BD", "first_names_female"),
               _f("bn_BD", "last_names")),
    "si": Pool("sinh", "", "", _f("si_LK", "first_names_male"), _f("si_LK", "first_names_female"),
               _f("si_LK", "last_names")),
    "pk": Pool("latin", "generic", "generic", _f("en_PK", "first_names"), _f("en_PK", "first_names"),
               _f("en_PK", "last_names")),
    "zh": Pool("zh", "", "", _f("zh_CN", "first_names_male"), _f("zh_CN", "first_names_female"),
               _f("zh_CN", "last_names"), family_first=True),
    "ko": Pool("ko", "", "", _f("ko_KR", "first_names_male"), _f("ko_KR", "first_names_female"),
               ("cur:KOREAN",), family_first=True),
    "vi": Pool("latin", "vi", "vi", _f("vi_VN", "first_names_male"), _f("vi_VN", "first_names_female"),
               _f("vi_VN", "last_names"), family_first=True),
    "id": Pool("latin", "id", "id", _f("id_ID", "first_names_male"), _f("id_ID", "first_names_female"),
               _f("id_ID", "last_names_male")),
    "ph": Pool("latin", "en", "es", _f("en_US", "first_names_male"), _f("en_US", "first_names_female"),
               _f("es_ES", "last_names")),
    "ar": Pool("ar", "", "", ("cur:ARABIC_GIVEN",), ("cur:ARABIC_GIVEN",), ("cur:ARABIC_FAMILY",),
               patronymic="ar"),
    "es": Pool("latin", "es", "es", _f("es_ES", "first_names_male"), _f("es_ES", "first_names_female"),
               _f("es_ES", "last_names"), double_surname=True),
    "es2": Pool("latin", "es", "es", _f("es_CO", "first_names_male") + _f("es_MX", "first_names_male")
                + ("cur:CUBAN",), _f("es_CO", "first_names_female"),
                _f("es_CO", "last_names") + _f("es_MX", "last_names"), double_surname=True),
    "pt": Pool("latin", "pt", "pt", _f("pt_BR", "first_names_male"), _f("pt_BR", "first_names_female"),
               _f("pt_BR", "last_names")),
    "fr": Pool("latin", "fr", "fr", _f("fr_FR", "first_names_male"), _f("fr_FR", "first_names_female"),
               _f("fr_FR", "last_names")),
    "en": Pool("latin", "en", "en", _f("en_US", "first_names_male") + _f("en_GB", "first_names_male"),
               _f("en_US", "first_names_female"), _f("en_US", "last_names") + _f("en_GB", "last_names")),
    "de": Pool("latin", "de", "de", _f("de_DE", "first_names_male"), _f("de_DE", "first_names_female"),
               _f("de_DE", "last_names")),
    "it": Pool("latin", "it", "it", _f("it_IT", "first_names_male"), _f("it_IT", "first_names_female"),
               _f("it_IT", "last_names")),
    "pl": Pool("latin", "pl", "slav", _f("pl_PL", "first_names_male"), _f("pl_PL", "first_names_female"),
               _f("cs_CZ", "last_names_male"), _f("cs_CZ", "last_names_female")),
    "cs": Pool("latin", "slav", "slav", _f("cs_CZ", "first_names_male"), _f("cs_CZ", "first_names_female"),
               _f("cs_CZ", "last_names_male"), _f("cs_CZ", "last_names_female")),
    "sk": Pool("latin", "slav", "slav", _f("sk_SK", "first_names_male"), _f("sk_SK", "first_names_female"),
               _f("sk_SK", "last_names_male"), _f("sk_SK", "last_names_female")),
    "hr": Pool("latin", "slav", "slav", _f("hr_HR", "first_names_male"), _f("hr_HR", "first_names_female"),
               _f("hr_HR", "last_names")),
    "lv": Pool("latin", "slav", "slav", _f("lv_LV", "first_names_male"), _f("lv_LV", "first_names_female"),
               _f("lv_LV", "last_names_male"), _f("lv_LV", "last_names_female")),
    "lt": Pool("latin", "slav", "slav", _f("lv_LV", "first_names_male"), _f("lv_LV", "first_names_female"),
               _f("lt_LT", "last_names")),
    "et": Pool("latin", "slav", "slav", _f("et_EE", "first_names_male"), _f("et_EE", "first_names_female"),
               _f("et_EE", "last_names")),
    "fi": Pool("latin", "nord", "nord", _f("fi_FI", "first_names_male"), _f("fi_FI", "first_names_female"),
               _f("fi_FI", "last_names")),
    "sv": Pool("latin", "nord", "nord", _f("sv_SE", "first_names_male"), _f("sv_SE", "first_names_female"),
               _f("sv_SE", "last_names")),
    "no": Pool("latin", "nord", "nord", _f("no_NO", "first_names_male"), _f("no_NO", "first_names_female"),
               _f("no_NO", "last_names")),
    "da": Pool("latin", "nord", "nord", _f("da_DK", "first_names_male"), _f("da_DK", "first_names_female"),
               _f("da_DK", "last_names")),
    "nl": Pool("latin", "nl", "nl", _f("nl_NL", "first_names_male"), _f("nl_NL", "first_names_female"),
               _f("nl_NL", "last_names")),
    "hu": Pool("latin", "hu", "hu", _f("hu_HU", "first_names_male"), _f("hu_HU", "first_names_female"),
               _f("hu_HU", "last_names"), family_first=True),
    "ro": Pool("latin", "ro", "ro", _f("ro_RO", "first_names_male"), _f("ro_RO", "first_names_female"),
               _f("ro_RO", "last_names")),
    "sq": Pool("latin", "slav", "slav", _f("hr_HR", "first_names_male"), _f("hr_HR", "first_names_female"),
               _f("hr_HR", "last_names")),
    "westfr": Pool("latin", "fr", "generic", _f("fr_FR", "first_names_male") + ("cur:SAHEL",),
                   _f("fr_FR", "first_names_female"), _f("tw_GH", "last_names") + _f("yo_NG", "last_names")),
    "gh": Pool("latin", "generic", "generic", _f("tw_GH", "first_names_male"),
               _f("tw_GH", "first_names_female"), _f("tw_GH", "last_names")),
    "ke": Pool("latin", "en", "generic", _f("en_KE", "first_names_male"), _f("en_KE", "first_names_female"),
               _f("en_KE", "last_names")),
    "ng": Pool("latin", "generic", "generic",
               _f("yo_NG", "first_names_male") + _f("ig_NG", "first_names_male") + _f("ha_NG", "first_names_male"),
               _f("yo_NG", "first_names_female") + _f("ig_NG", "first_names_female"),
               _f("yo_NG", "last_names") + _f("ig_NG", "last_names") + _f("ha_NG", "last_names")),
    "sw": Pool("latin", "generic", "generic", _f("sw", "first_names_male"), _f("sw", "first_names_female"),
               _f("sw", "last_names")),
    "south": Pool("latin", "generic", "generic", _f("zu_ZA", "first_names_male"),
                  _f("zu_ZA", "first_names_female"), _f("zu_ZA", "last_names")),
}  # fmt: skip

_CURATED: dict[str, tuple[str, ...] | dict[str, int]] = {
    "KAZAKH_MALE": tuple(curated.KAZAKH_MALE),
    "KAZAKH_FEMALE": tuple(curated.KAZAKH_FEMALE),
    "KAZAKH_FAMILY": tuple(curated.KAZAKH_FAMILY),
    "TAJIK_MALE": tuple(curated.TAJIK_MALE),
    "TAJIK_FEMALE": tuple(curated.TAJIK_FEMALE),
    "TAJIK_FAMILY": tuple(curated.TAJIK_FAMILY),
    "KYRGYZ_MALE": tuple(curated.KYRGYZ_MALE),
    "KYRGYZ_FEMALE": tuple(curated.KYRGYZ_FEMALE),
    "KYRGYZ_FAMILY": tuple(curated.KYRGYZ_FAMILY),
    "ARABIC_GIVEN": tuple(a for a, _, _ in curated.ARABIC_GIVEN),
    "ARABIC_FAMILY": tuple(a for a, _, _ in curated.ARABIC_FAMILY),
    "KOREAN": curated.KOREAN_SURNAME_WEIGHTS,
    "CUBAN": tuple(_CUBAN_GIVEN) * 3,  # Cuban invented names are frequent: weight ×3
    "SAHEL": tuple(_SAHEL_GIVEN) * 2,
}


class Choice:
    """A weighted list drawn from with one random() call and a bisection."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, weighted: dict[str, float]) -> None:
        self.items = tuple(weighted)
        self.cum = tuple(accumulate(weighted.values()))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> str:
        return self.items[bisect(self.cum, rng.random() * self.total)]


def _source_names(spec: str) -> dict[str, float]:
    """'locale:attribute' or 'cur:NAME' → {name: weight}; Faker dicts carry weights."""
    if spec.startswith("cur:"):
        data = _CURATED[spec[4:]]
    else:
        loc, attr = spec.split(":")
        provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        data = getattr(provider, attr)
    out: dict[str, float] = {}
    if isinstance(data, dict):
        total = sum(float(w) for w in data.values()) or 1.0
        for name, w in data.items():
            out[name] = out.get(name, 0.0) + float(w) / total * len(data)
    else:
        for name in data:
            out[name] = out.get(name, 0.0) + 1.0
    return out


@cache
def choice(specs: tuple[str, ...]) -> Choice:
    merged: dict[str, float] = {}
    for spec in specs:
        for name, w in _source_names(spec).items():
            name = name.strip()
            # Faker has a few placeholders and annotated entries ("Doe", "Диван(…)").
            if name and name.lower() != "doe" and not any(c in "()[]/.˜0123456789" for c in name):
                merged[name] = merged.get(name, 0.0) + w
    return Choice(merged)


@cache
def nepali_family() -> Choice:
    """Faker's Nepali surnames plus the recruited groups, which make up about half."""
    base = _source_names("ne_NP:last_names")
    total = sum(base.values())
    common = dict(curated.NEPALI_COMMON_FAMILY)
    scale = total / sum(common.values())
    for name, w in common.items():
        base[name] = base.get(name, 0.0) + w * scale
    return Choice(base)


@dataclass(frozen=True, slots=True)
class Name:
    """A person's true name in native script."""

    pool: str
    given: tuple[str, ...]
    family: tuple[str, ...]
    father: str | None  # father's given name, for cultures that write a patronymic
    female: bool


def draw_name(pool_key: str, female: bool, rng: random.Random) -> Name:
    pool = POOLS[pool_key]
    given_src = choice(pool.female if female else pool.male)
    given = [given_src.pick(rng)]
    if pool.kind == "zh" and rng.random() < 0.6:
        given = [given[0] + given_src.pick(rng)]  # most Chinese given names have two characters
    elif pool.kind == "deva_ne" and not female and rng.random() < 0.45:
        given.append(rng.choice(curated.NEPALI_MIDDLE))  # Ram Bahadur, Dil Kumar
    elif pool.kind == "latin" and pool.given_lang == "es" and rng.random() < 0.35:
        second = given_src.pick(rng)
        if second != given[0]:
            given.append(second)  # José Manuel
    if pool.kind == "deva_ne":
        family = [nepali_family().pick(rng)]
    elif female and pool.family_female:
        family = [choice(pool.family_female).pick(rng)]
    else:
        family = [choice(pool.family).pick(rng)]
    if pool.double_surname:
        family.append(choice(pool.family).pick(rng))
    father = None
    if pool.patronymic:
        father = choice(pool.male).pick(rng)
        if pool.patronymic == "kg" and rng.random() < 0.35:
            # Kyrgyz traditional form: father's name + уулу/кызы instead of a surname.
            family = [father, "кызы" if female else "уулу"]
    if female and pool.kind == "cyr" and family[-1][-2:] in ("ов", "ев", "ин"):
        family[-1] += "а"
    return Name(pool_key, tuple(given), tuple(family), father, female)
