"""Russian practical transcription of foreign names written in Latin script.

How a Russian clerk writes a foreign name heard or read from a passport. Rules follow the
published practical-transcription tables (R. S. Gilyarevsky, B. A. Starostin, "Иностранные
имена и названия в русском тексте", 3rd ed., 1985; D. I. Ermolovich, "Имена собственные:
теория и практика межъязыковой передачи", 2005): Spanish j → х, ll → ль, ñ → нь, z → с,
l → ль before a consonant (Manuel → Мануэль); English digraphs (sh → ш, j → дж, th → т);
French (ou → у, ch → ш, final consonants silent); Portuguese (lh → ль, nh → нь, final
-o → -у); Turkish and Azerbaijani letters (ç → ч, ş → ш, c → дж); Slavic, Baltic and other
European diacritics; Vietnamese (ng → нг, tr → ч, d → з); Indonesian (c → ч, j → дж).
Common given names whose Russian form is fixed by usage (John → Джон) come from a
short exception table. Rules are ordered: the language's own rules, then shared ones.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_V = "aeiouyáéíóúàèìòùâêîôûäëïöüãõåæøœəı"
_START = r"(?<![\w'ʼ’])"  # word start: no letter before


def _r(*pairs: str) -> list[tuple[re.Pattern[str], str]]:
    """Pairs as 'pattern→replacement' strings, compiled."""
    out = []
    for pair in pairs:
        pat, rep = pair.split("→")
        out.append((re.compile(pat.replace("V", f"[{_V}]").replace("^", _START)), rep))
    return out


_COMMON = _r(
    "shch→щ", "sch→ш", "sh→ш", "zh→ж", "kh→х", "tch→ч", "ch→ч", "ts→ц", "tz→ц", "ph→ф",
    "th→т", "dh→д", "bh→бх", "gh→г", "dj→дж", "dz→дз", "j→дж", "ck→к", "qu→кв",
    "ny(?=V)→нь", "ya→я", "yu→ю", "yo→йо", "ye→е", "yi→йи", "ou→у", "oo→у", "ee→и",
    "aa→а", "ii→и", "uu→у", "w(?=V)→в", "w→у", "x→кс", "c(?=[eiy])→с", "c→к", "q→к",
    "(?<=V)y(?!V)→й", "y→и", "(?<=[aeou])i(?![a-z])→й", "(?<=[aeo])i(?!V)→й", "^e→э",
    "(?<=[aouy])e→э",
    "a→а", "b→б", "d→д", "e→е", "f→ф", "g→г", "h→х", "i→и", "k→к", "l→л", "m→м", "n→н",
    "o→о", "p→п", "r→р", "s→с", "t→т", "u→у", "v→в", "z→з", "[-]→-", "['ʼ’`]→",
)  # fmt: skip

_LANG_RULES = {
    "hy": """
        n→н yan(?![a-z])→ян ye→е kh→х ts→ц dz→дз gh→г zh→ж sh→ш ch→ч j→дж
    """,
    "es": """
        ch→ч lla→лья llo→льо lle→лье llu→лью lli→льи ll→ль ña→нья ño→ньо ñe→нье ñu→нью ñi→ньи
        ñ→нь que→ке qui→ки gue→ге gui→ги güe→гуэ güi→гуи g(?=[ei])→х c(?=[ei])→с z→с j→х ^he→э
        h→ x→кс (?<=V)y(?![a-z])→й y(?![a-z])→и l(?!V)→ль ia→ия (?<=i)e→е
    """,
    "en": """
        tion→шн wh→у gh(?!V)→ kn→н wr→р ea→и ow(?![a-z])→оу ow→ау ou→ау ay→эй ai→эй
        ey(?![a-z])→и ey→эй oy→ой oi→ой au→о aw→о ie(?![a-z])→и igh→ай g(?=[ei])→дж h(?!V)→
        (?<=[bcdfgklmnprstvz])e(?![a-z])→
    """,
    "fr": """
        eaux?→о aux→о au→о oi→уа ou→у ai(?!n)→э ei(?!n)→э eu→ё ch→ш gn→нь qu→к ill(?=V)→й ç→с
        j→ж g(?=[eiy])→ж ain(?!V)→ен ein(?!V)→ен in(?!V)→ен an(?!V)→ан en(?!V)→ан on(?!V)→он
        un(?!V)→ен er(?![a-z])→е et(?![a-z])→е ez(?![a-z])→е [stdxz](?![a-z])→ e(?![a-z])→
        [éèêë]→е ^é→э u→ю y→и h→ w→в ll→ль l(?![a-z])→ль
    """,
    "pt": """
        lh→ль nh→нь ch→ш ção→сан ções→сойнш ão→ан ões→оэнш õe→оэ ã→ан que→ке qui→ки gue→ге
        gui→ги g(?=[ei])→ж c(?=[ei])→с ç→с j→ж x→ш (?<=V)s(?=V)→з os(?![a-z])→уш o(?![a-z])→у
        e(?![a-z])→и h→ l(?![a-z])→л
    """,
    "tr": """
        ç→ч ş→ш ğ→ ı→ы ö→ё ü→ю ə→а c→дж j→ж x→х q→г ya→я yu→ю ye→е y→й ^e→э
    """,
    "de": """
        tsch→ч sch→ш ch→х ei→ай ie→и eu→ой äu→ой ä→е ö→ё ü→ю ß→с z→ц w→в v→ф j→й (?<=V)s(?=V)→з
        h(?!V)→
    """,
    "pl": """
        szcz→щ sz→ш cz→ч rz→ж ch→х ł→л ś→сь ć→ць ź→зь ż→ж ń→нь ą→он ę→ен ó→у w→в j→й ie→е ia→я
        io→ё iu→ю c→ц y→ы
    """,
    "hu": """
        sz→с cs→ч zs→ж gy→дь ny→нь ty→ть ly→й s→ш c→ц j→й ö→ё ő→ё ü→ю ű→ю
    """,
    "slav": """
        dž→дж lj→ль nj→нь č→ч ć→ч š→ш ž→ж ř→рж đ→дж ģ→г ķ→к ļ→ль ņ→нь ė→е ę→е ų→у į→и ia→я iu→ю
        ie→ие j→й c→ц ch→х õ→ы ä→я ö→ё ü→ю y→и
    """,
    "ro": """
        ș→ш ş→ш ț→ц ţ→ц ă→э â→ы î→ы che→ке chi→ки ghe→ге ghi→ги ce→че ci→чи ge→дже gi→джи j→ж
        ea→я ia→ия h→х
    """,
    "sq": """
        xh→дж sh→ш zh→ж th→т dh→д ç→ч ë→э gj→дь q→кь nj→нь ll→лл c→ц j→й x→дз y→ю
    """,
    "nl": """
        ij→ей oe→у ui→ёй ou→ау sch→сх ch→х g→х j→й v→ф w→в ie→и ee→е aa→а oo→о uu→ю u→ю
    """,
    "nord": """
        å→о ä→е ö→ё ø→ё æ→е j→й y→ю sj→ш sk(?=[ijy])→ш kj→ш tj→ш ch→х
    """,
    "it": """
        gli→ль gn→нь sch→ск ch→к gh→г sc(?=[ei])→ш cci→ччи ci(?=[aou])→ч c(?=[ei])→ч
        gi(?=[aou])→дж g(?=[ei])→дж zz→цц z→ц j→й h→
    """,
    "vi": """
        ngh→нг ng→нг nh→нь ph→ф th→т tr→ч ch→ч kh→кх gi→з gh→г qu→кв đ→д d→з x→с s→ш uye→уе
        uy→уй y→и
    """,
    "id": """
        sy→ш ny→нь kh→х c→ч j→дж y→й e→е u→у
    """,
}
_LANG = {lang: _r(*rules.split()) for lang, rules in _LANG_RULES.items()}

# Letters each language's rules read as they are; all other diacritics are folded first.
_KEEP = {
    "es": "ñü", "fr": "çéèêë", "pt": "ãõç", "tr": "çşğıöüə", "de": "äöüß", "pl": "łśćźżńąęó",
    "hu": "öőüű", "slav": "čćšžřđģķļņėęųįõäöü", "ro": "șşțţăâî", "sq": "çë", "nord": "åäöøæ",
    "vi": "đ",
}  # fmt: skip


def _prefold(text: str, keep: str) -> str:
    return "".join(
        ch if ch in keep else unicodedata.normalize("NFKD", ch)[0] if ord(ch) > 127 else ch
        for ch in text
    )


# Names whose Russian form is settled by usage rather than by rule.
_FIXED_TEXT = {
    "en": """
        john=Джон michael=Майкл james=Джеймс david=Дэвид robert=Роберт william=Уильям
        richard=Ричард joseph=Джозеф thomas=Томас charles=Чарльз christopher=Кристофер
        daniel=Дэниел matthew=Мэтью anthony=Энтони mark=Марк paul=Пол steven=Стивен andrew=Эндрю
        george=Джордж kenneth=Кеннет peter=Питер mary=Мэри brian=Брайан kevin=Кевин
        jason=Джейсон ryan=Райан eric=Эрик stephen=Стивен jacob=Джейкоб samuel=Сэмюэл
        patrick=Патрик smith=Смит johnson=Джонсон williams=Уильямс brown=Браун jones=Джонс
        miller=Миллер davis=Дэвис wilson=Уилсон moore=Мур taylor=Тейлор white=Уайт harris=Харрис
        martin=Мартин thompson=Томпсон young=Янг king=Кинг wright=Райт hughes=Хьюз edward=Эдвард
        emmanuel=Эммануэль isaac=Айзек moses=Мозес francis=Фрэнсис simon=Саймон
    """,
    "fr": """
        jean=Жан pierre=Пьер michel=Мишель jacques=Жак françois=Франсуа marie=Мари louis=Луи
        paul=Поль andré=Андре philippe=Филипп nicolas=Николя olivier=Оливье christophe=Кристоф
        laurent=Лоран alain=Ален thomas=Тома guillaume=Гийом antoine=Антуан joseph=Жозеф yves=Ив
        georges=Жорж henri=Анри martin=Мартен emmanuel=Эмманюэль
    """,
}
_FIXED = {lang: dict(p.split("=") for p in text.split()) for lang, text in _FIXED_TEXT.items()}

# Letters that must not survive into a Russian document (written cp1251, Russian alphabet).
_CYRILLIC = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя- ")


@lru_cache(maxsize=200_000)
def to_cyrillic(word: str, lang: str) -> str:
    """One Latin-script word (or hyphenated compound) → Russian Cyrillic."""
    if "-" in word:
        return "-".join(to_cyrillic(part, lang) for part in word.split("-"))
    low = unicodedata.normalize("NFC", word.lower())
    fixed = _FIXED.get(lang, {}).get(low)
    if fixed:
        return fixed
    text = _prefold(low, _KEEP.get(lang, ""))
    # Language rules first, then the common ones: the first pattern that matches wins.
    rules = [*_LANG.get(lang, []), *_COMMON]
    out: list[str] = []
    i = 0
    while i < len(text):
        for pattern, rep in rules:
            m = pattern.match(text, i)
            if m and m.end() > i:
                out.append(rep)
                i = m.end()
                break
        else:
            ch = text[i]
            # Letters no rule names: fold their diacritics and try once more.
            base = unicodedata.normalize("NFKD", ch)[0]
            if base != ch and base.isascii():
                text = text[:i] + base + text[i + 1 :]
                continue
            out.append(ch if ch in _CYRILLIC else "")
            i += 1
    result = "".join(out)
    return result[:1].upper() + result[1:]
