"""The countries and territories of the synthetic world, calibrated to CALIBRATION.md.

`named` sets the size of each group in the default world; the sources then name about the
published figures (Uzbekistan ~2,700, Nepal ~1,000, Cuba ~1,000, Kazakhstan ~660, India
~200, Sri Lanka ~290, China ~150, 36 African countries ~1,400, and a long tail of countries
with fewer than ten; media and families make some groups more visible, hence the lower
`named` for Nepal, India, Sri Lanka and Cuba). The true population is larger,
`TRUE_PER_NAMED` persons per named one, so that some persons are on no source at all. The DPRK is apart: deployed as units (about
11,000–12,000), outside the contract count, and rarely named.

Codes are upper-case ISO 3166-1 alpha-2, and rigour's codes for unrecognised territories
(GE-AB Abkhazia, X-SO South Ossetia, MD-PMR Transnistria, XK Kosovo). Every alias written
into a source resolves to its code with `rigour.territories.lookup_territory` (tested), and
none is ambiguous (not "Конго", which names two states).
"""

from __future__ import annotations

from dataclasses import dataclass

# True persons per person "named with certainty" in the seeds: the named figures per
# country are what a register certifies (a document or two sources), and the sources
# of records.py certify about 57 % of the true population, so 1.8 gives ~18,000.
TRUE_PER_NAMED = 1.8
DPRK_TRUE = 11_500


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    english: tuple[str, ...]  # aliases as English-language sources write them
    russian: tuple[str, ...]  # aliases as Russian documents write them
    named: int  # persons named by the sources in the default world (calibration target)
    pool: str  # name pool (see pools.py)
    profile: str  # when contracts were signed (see population.py)
    kill: float  # relative risk of being killed
    african: bool = False


# code | English aliases | Russian aliases | named | pool | profile | kill | africa
_TABLE = """
UZ|Uzbekistan|Узбекистан;Республика Узбекистан|2550|uz|uzbek|0.95|
TJ|Tajikistan|Таджикистан|2200|tj|default|1.4|
KG|Kyrgyzstan|Киргизия;Кыргызстан|1400|kg|default|1.0|
KZ|Kazakhstan|Казахстан;Республика Казахстан|660|kz|default|0.65|
TM|Turkmenistan|Туркмения;Туркменистан|600|uz|default|1.0|
BY|Belarus|Беларусь;Республика Беларусь|1300|ru|early|1.0|
MD|Moldova|Молдова;Молдавия|300|ro|early|1.0|
MD-PMR|Transnistria|Приднестровье;Приднестровская Молдавская Республика|300|ru|early|1.0|
GE-AB|Abkhazia|Абхазия;Республика Абхазия|250|ru|early|1.0|
X-SO|South Ossetia|Южная Осетия|200|ru|early|1.0|
AM|Armenia|Армения|450|hy|default|1.0|
AZ|Azerbaijan|Азербайджан|400|az|default|1.0|
GE|Georgia|Грузия|250|ka|default|1.0|
RS|Serbia|Сербия|250|hr|early|1.0|
MN|Mongolia|Монголия|120|kz|default|1.0|
AF|Afghanistan|Афганистан|300|ar|late|1.2|
CU|Cuba|Куба|850|es2|cuba|0.8|
CO|Colombia|Колумбия|150|es2|late|1.0|
VE|Venezuela|Венесуэла|40|es2|late|1.0|
PE|Peru|Перу|25|es2|late|1.0|
MX|Mexico|Мексика|20|es2|late|1.0|
AR|Argentina|Аргентина|12|es2|default|1.0|
EC|Ecuador|Эквадор|10|es2|late|1.0|
DO|Dominican Republic|Доминиканская Республика|8|es2|late|1.0|
BO|Bolivia|Боливия|6|es2|late|1.0|
NI|Nicaragua|Никарагуа|9|es2|late|1.0|
CL|Chile|Чили|5|es2|default|1.0|
BR|Brazil|Бразилия|45|pt|default|1.0|
HT|Haiti|Гаити|4|fr|late|1.0|
NP|Nepal|Непал|850|ne|nepal|0.75|
IN|India|Индия|160|hi|india|0.7|
LK|Sri Lanka|Шри-Ланка|240|si|srilanka|0.35|
BD|Bangladesh|Бангладеш|150|bn|late|1.0|
PK|Pakistan|Пакистан|100|pk|late|1.0|
CN|China|Китай|150|zh|late|0.9|
KR|South Korea;Republic of Korea|Республика Корея;Южная Корея|10|ko|default|1.0|
VN|Vietnam|Вьетнам|60|vi|late|1.0|
ID|Indonesia|Индонезия|12|id|late|1.0|
PH|Philippines|Филиппины|14|ph|late|1.0|
TH|Thailand|Таиланд|8|id|late|1.0|
MM|Myanmar|Мьянма|6|id|late|1.0|
LA|Laos|Лаос|3|id|late|1.0|
MY|Malaysia|Малайзия|5|id|late|1.0|
KH|Cambodia|Камбоджа|3|id|late|1.0|
SY|Syria|Сирия|600|ar|default|1.1|
IQ|Iraq|Ирак|200|ar|late|1.1|
YE|Yemen|Йемен|200|ar|late|1.2|
JO|Jordan|Иордания|20|ar|late|1.0|
LB|Lebanon|Ливан|15|ar|default|1.0|
PS|Palestine|Палестина|10|ar|default|1.0|
SA|Saudi Arabia|Саудовская Аравия|3|ar|default|1.0|
IR|Iran|Иран|15|ar|default|1.0|
TR|Turkey;Türkiye|Турция|35|tr|default|1.0|
EG|Egypt|Египет|90|ar|late|1.2|A
LY|Libya|Ливия|15|ar|late|1.2|A
MA|Morocco|Марокко|20|ar|late|1.2|A
DZ|Algeria|Алжир|15|ar|late|1.2|A
TN|Tunisia|Тунис|10|ar|late|1.2|A
SD|Sudan|Судан|40|ar|late|1.2|A
SO|Somalia|Сомали|60|ar|late|1.2|A
CM|Cameroon|Камерун|260|westfr|late|1.2|A
GH|Ghana|Гана|130|gh|late|1.2|A
KE|Kenya|Кения|170|ke|late|1.2|A
NG|Nigeria|Нигерия|90|ng|late|1.2|A
TG|Togo|Того|120|westfr|late|1.2|A
CF|Central African Republic|Центральноафриканская Республика;ЦАР|60|westfr|late|1.2|A
SN|Senegal|Сенегал|35|westfr|late|1.2|A
ZM|Zambia|Замбия|35|south|late|1.2|A
ZA|South Africa|ЮАР;Южно-Африканская Республика|30|south|late|1.2|A
ET|Ethiopia|Эфиопия|25|ke|late|1.2|A
UG|Uganda|Уганда|40|ke|late|1.2|A
TZ|Tanzania|Танзания|30|sw|late|1.2|A
RW|Rwanda|Руанда|12|sw|late|1.2|A
BI|Burundi|Бурунди|18|westfr|late|1.2|A
CD|DR Congo;Democratic Republic of the Congo|Демократическая Республика Конго;ДР Конго|20|westfr|late|1.2|A
CG|Republic of the Congo|Республика Конго|12|westfr|late|1.2|A
CI|Côte d'Ivoire;Ivory Coast|Кот-д’Ивуар|22|westfr|late|1.2|A
ML|Mali|Мали|15|westfr|late|1.2|A
BF|Burkina Faso|Буркина-Фасо|8|westfr|late|1.2|A
NE|Niger|Нигер|7|westfr|late|1.2|A
BJ|Benin|Бенин|9|westfr|late|1.2|A
GN|Guinea|Гвинея|8|westfr|late|1.2|A
SL|Sierra Leone|Сьерра-Леоне|6|ng|late|1.2|A
LR|Liberia|Либерия|5|ng|late|1.2|A
GM|Gambia|Гамбия|4|ng|late|1.2|A
MZ|Mozambique|Мозамбик|5|pt|late|1.2|A
ZW|Zimbabwe|Зимбабве|9|south|late|1.2|A
AO|Angola|Ангола|4|pt|late|1.2|A
MG|Madagascar|Мадагаскар|3|westfr|late|1.2|A
US|United States;USA|США|35|en|early|1.0|
GB|United Kingdom|Великобритания|6|en|early|1.0|
CA|Canada|Канада|4|en|early|1.0|
AU|Australia|Австралия|3|en|early|1.0|
IE|Ireland|Ирландия|2|en|early|1.0|
NZ|New Zealand|Новая Зеландия|1|en|early|1.0|
JM|Jamaica|Ямайка|2|en|late|1.0|
DE|Germany|Германия|20|de|early|1.0|
AT|Austria|Австрия|3|de|early|1.0|
CH|Switzerland|Швейцария|2|de|early|1.0|
FR|France|Франция|15|fr|early|1.0|
BE|Belgium|Бельгия|2|fr|early|1.0|
IT|Italy|Италия|8|it|early|1.0|
ES|Spain|Испания|6|es|early|1.0|
PT|Portugal|Португалия|2|pt|early|1.0|
NL|Netherlands|Нидерланды|3|nl|early|1.0|
SE|Sweden|Швеция|2|sv|early|1.0|
NO|Norway|Норвегия|2|no|early|1.0|
DK|Denmark|Дания|2|da|early|1.0|
FI|Finland|Финляндия|4|fi|early|1.0|
PL|Poland|Польша|4|pl|early|1.0|
LV|Latvia|Латвия|15|lv|early|1.0|
LT|Lithuania|Литва|6|lt|early|1.0|
EE|Estonia|Эстония|9|et|early|1.0|
BG|Bulgaria|Болгария|10|bg|early|1.0|
RO|Romania|Румыния|5|ro|early|1.0|
HU|Hungary|Венгрия|4|hu|early|1.0|
CZ|Czechia;Czech Republic|Чехия|5|cs|early|1.0|
SK|Slovakia|Словакия|6|sk|early|1.0|
GR|Greece|Греция|4|el|early|1.0|
HR|Croatia|Хорватия|3|hr|early|1.0|
BA|Bosnia and Herzegovina|Босния и Герцеговина|6|hr|early|1.0|
ME|Montenegro|Черногория|4|hr|early|1.0|
MK|North Macedonia|Северная Македония|3|bg|early|1.0|
XK|Kosovo|Косово|2|hr|early|1.0|
AL|Albania|Албания|2|sq|early|1.0|
IL|Israel|Израиль|8|ru|early|1.0|
JP|Japan|Япония|1|en|early|1.0|
"""

DPRK = Country(
    code="KP",
    english=("North Korea", "DPRK", "Democratic People's Republic of Korea"),
    russian=("КНДР", "Северная Корея", "Корейская Народно-Демократическая Республика"),
    named=0,
    pool="ko",
    profile="dprk",
    kill=1.0,
)


def _parse() -> tuple[Country, ...]:
    out = []
    for line in _TABLE.strip().splitlines():
        code, en, ru, named, pool, profile, kill, africa = line.split("|")
        out.append(
            Country(
                code=code,
                english=tuple(en.split(";")),
                russian=tuple(ru.split(";")),
                named=int(named),
                pool=pool,
                profile=profile,
                kill=float(kill),
                african=africa == "A",
            )
        )
    return tuple(out)


CONTRACT_COUNTRIES: tuple[Country, ...] = _parse()
ALL_COUNTRIES: tuple[Country, ...] = CONTRACT_COUNTRIES + (DPRK,)

# Prisoners are held from 37 countries: the DPRK and the 36 largest contract groups.
CAPTURE_COUNTRIES: frozenset[str] = frozenset(
    [c.code for c in sorted(CONTRACT_COUNTRIES, key=lambda c: -c.named)[:36]] + ["KP"]
)


def default_true_counts() -> dict[str, int]:
    """True persons per country in the default world."""
    counts = {c.code: max(1, round(c.named * TRUE_PER_NAMED)) for c in CONTRACT_COUNTRIES}
    counts["KP"] = DPRK_TRUE
    return counts


def scaled_counts(total: int) -> dict[str, int]:
    """Per-country true persons summing to `total`, shares kept (largest remainder)."""
    base = default_true_counts()
    full = sum(base.values())
    raw = {code: n * total / full for code, n in base.items()}
    counts = {code: int(x) for code, x in raw.items()}
    left = total - sum(counts.values())
    # Ties broken by code so the result never depends on dict or hash order.
    for code in sorted(raw, key=lambda c: (counts[c] - raw[c], c))[:left]:
        counts[code] += 1
    return counts
