"""Brahmic scripts (Devanagari for Nepali and Hindi, Bengali, Sinhala) to Latin and Cyrillic.

Conventions implemented:

- Letters follow the Unicode block layouts (Devanagari U+0900, Bengali U+0980, Sinhala U+0D80)
  and the consonant/vowel values of the Hunterian system, the basis of the Latin spellings
  used in Indian and Nepali passports (ISO 15919 without diacritics: ष/श → sh, छ → chh,
  ङ → ng, ज्ञ → gy).
- The inherent vowel (schwa) is deleted as in Hindi and Nepali pronunciation: word-finally
  after a single consonant, and medially in the context VC_CV, scanning right to left
  (M. Ohala, "Aspects of Hindi Phonology", 1983; the rule used by most transliterators).
  Sinhala keeps its inherent vowel (an explicit al-lakuna ් marks a dead consonant), and
  Sinhala Latin follows Sri Lankan usage (dental ත → th, as in "Ajith").
- Cyrillic follows the Russian Indological practical transcription (aspirates written with
  х: थ → тх, भ → бх; ज → дж; य → й/я/ю), so राम बहादुर थापा → Рам Бахадур Тхапа.
"""

from __future__ import annotations

from functools import lru_cache

# Phoneme values as (latin, cyrillic); vowels also as (latin, cyrillic).
_DEVA_CONS = {
    "क": ("k", "к"), "ख": ("kh", "кх"), "ग": ("g", "г"), "घ": ("gh", "гх"), "ङ": ("ng", "нг"),
    "च": ("ch", "ч"), "छ": ("chh", "чх"), "ज": ("j", "дж"), "झ": ("jh", "джх"), "ञ": ("n", "нь"),
    "ट": ("t", "т"), "ठ": ("th", "тх"), "ड": ("d", "д"), "ढ": ("dh", "дх"), "ण": ("n", "н"),
    "त": ("t", "т"), "थ": ("th", "тх"), "द": ("d", "д"), "ध": ("dh", "дх"), "न": ("n", "н"),
    "प": ("p", "п"), "फ": ("ph", "пх"), "ब": ("b", "б"), "भ": ("bh", "бх"), "म": ("m", "м"),
    "य": ("y", "й"), "र": ("r", "р"), "ल": ("l", "л"), "व": ("v", "в"), "श": ("sh", "ш"),
    "ष": ("sh", "ш"), "स": ("s", "с"), "ह": ("h", "х"), "ळ": ("l", "л"),
}  # fmt: skip
_DEVA_NUKTA = {"ड": ("r", "р"), "ढ": ("rh", "рх"), "क": ("q", "к"), "ख": ("kh", "х"),
               "ग": ("g", "г"), "ज": ("z", "з"), "फ": ("f", "ф")}  # fmt: skip
_DEVA_VOWELS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ii", "उ": "u", "ऊ": "uu", "ऋ": "ri",
    "ए": "e", "ऐ": "ai", "ओ": "o", "औ": "au",
}  # fmt: skip
_DEVA_SIGNS = {
    "ा": "aa", "ि": "i", "ी": "ii", "ु": "u", "ू": "uu", "ृ": "ri",
    "े": "e", "ै": "ai", "ो": "o", "ौ": "au",
}  # fmt: skip

_BENG_CONS = {
    "ক": ("k", "к"), "খ": ("kh", "кх"), "গ": ("g", "г"), "ঘ": ("gh", "гх"), "ঙ": ("ng", "нг"),
    "চ": ("ch", "ч"), "ছ": ("chh", "чх"), "জ": ("j", "дж"), "ঝ": ("jh", "джх"), "ঞ": ("n", "нь"),
    "ট": ("t", "т"), "ঠ": ("th", "тх"), "ড": ("d", "д"), "ঢ": ("dh", "дх"), "ণ": ("n", "н"),
    "ত": ("t", "т"), "থ": ("th", "тх"), "দ": ("d", "д"), "ধ": ("dh", "дх"), "ন": ("n", "н"),
    "প": ("p", "п"), "ফ": ("ph", "ф"), "ব": ("b", "б"), "ভ": ("bh", "бх"), "ম": ("m", "м"),
    "য": ("j", "дж"), "য়": ("y", "й"), "র": ("r", "р"), "ল": ("l", "л"), "শ": ("sh", "ш"),
    "ষ": ("sh", "ш"), "স": ("s", "с"), "হ": ("h", "х"), "ড়": ("r", "р"), "ঢ়": ("rh", "рх"),
}  # fmt: skip
_BENG_VOWELS = {
    "অ": "a", "আ": "aa", "ই": "i", "ঈ": "ii", "উ": "u", "ঊ": "uu", "ঋ": "ri",
    "এ": "e", "ঐ": "oi", "ও": "o", "ঔ": "ou",
}  # fmt: skip
_BENG_SIGNS = {
    "া": "aa", "ি": "i", "ী": "ii", "ু": "u", "ূ": "uu", "ৃ": "ri",
    "ে": "e", "ৈ": "oi", "ো": "o", "ৌ": "ou",
}  # fmt: skip

_SINH_CONS = {
    "ක": ("k", "к"), "ඛ": ("kh", "кх"), "ග": ("g", "г"), "ඝ": ("gh", "гх"), "ඞ": ("ng", "нг"),
    "ච": ("ch", "ч"), "ඡ": ("chh", "чх"), "ජ": ("j", "дж"), "ඣ": ("jh", "джх"), "ඤ": ("ny", "нь"),
    "ට": ("t", "т"), "ඨ": ("th", "тх"), "ඩ": ("d", "д"), "ඪ": ("dh", "дх"), "ණ": ("n", "н"),
    "ත": ("th", "т"), "ථ": ("th", "тх"), "ද": ("d", "д"), "ධ": ("dh", "дх"), "න": ("n", "н"),
    "ප": ("p", "п"), "ඵ": ("ph", "пх"), "බ": ("b", "б"), "භ": ("bh", "бх"), "ම": ("m", "м"),
    "ය": ("y", "й"), "ර": ("r", "р"), "ල": ("l", "л"), "ව": ("w", "в"), "ශ": ("sh", "ш"),
    "ෂ": ("sh", "ш"), "ස": ("s", "с"), "හ": ("h", "х"), "ළ": ("l", "л"), "ෆ": ("f", "ф"),
    "ඟ": ("ng", "нг"), "ඬ": ("nd", "нд"), "ඳ": ("nd", "нд"), "ඹ": ("mb", "мб"),
}  # fmt: skip
_SINH_VOWELS = {
    "අ": "a", "ආ": "aa", "ඇ": "a", "ඈ": "aa", "ඉ": "i", "ඊ": "ii", "උ": "u", "ඌ": "uu",
    "එ": "e", "ඒ": "e", "ඓ": "ai", "ඔ": "o", "ඕ": "o", "ඖ": "au", "ඍ": "ri",
}  # fmt: skip
_SINH_SIGNS = {
    "ා": "aa", "ැ": "a", "ෑ": "aa", "ි": "i", "ී": "ii", "ු": "u", "ූ": "uu", "ෘ": "ri",
    "ෙ": "e", "ේ": "e", "ෛ": "ai", "ො": "o", "ෝ": "o", "ෞ": "au", "ෲ": "ri",
}  # fmt: skip

_SCRIPTS = {
    # script: (consonants, independent vowels, vowel signs, virama, nukta, schwa deletion)
    "deva": (_DEVA_CONS, _DEVA_VOWELS, _DEVA_SIGNS, "्", "़", True),
    "beng": (_BENG_CONS, _BENG_VOWELS, _BENG_SIGNS, "্", "়", True),
    "sinh": (_SINH_CONS, _SINH_VOWELS, _SINH_SIGNS, "්", "", False),
}
_NASALS = {"ं", "ँ", "ং", "ঁ", "ං"}
_VISARGA = {"ः", "ঃ", "ඃ"}

# Vowel values: (plain latin, "Indian English" latin with ee/oo, cyrillic).
_VOWEL_OUT = {
    "a": ("a", "a", "а"), "aa": ("a", "a", "а"), "i": ("i", "i", "и"), "ii": ("i", "ee", "и"),
    "u": ("u", "u", "у"), "uu": ("u", "oo", "у"), "ri": ("ri", "ri", "ри"), "e": ("e", "e", "е"),
    "ai": ("ai", "ai", "ай"), "au": ("au", "au", "ау"), "o": ("o", "o", "о"),
    "oi": ("oi", "oi", "ой"), "ou": ("ou", "ou", "оу"),
}  # fmt: skip
_LABIALS = {"p", "ph", "b", "bh", "m"}


def _tokens(word: str, script: str) -> list[tuple[str, object]]:
    """Split a word into phoneme tokens: ('C', (lat, cyr)), ('V', key), ('A', None) for schwa."""
    cons, vowels, signs, virama, nukta, _ = _SCRIPTS[script]
    out: list[tuple[str, object]] = []
    word = word.replace("\u200d", "").replace("\u200c", "")  # joiners only shape glyphs
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch in cons:
            value = cons[ch]
            if nukta and i + 1 < n and word[i + 1] == nukta:
                value = _DEVA_NUKTA.get(ch, value)
                i += 1
            out.append(("C", value))
            nxt = word[i + 1] if i + 1 < n else ""
            if nxt in signs:
                out.append(("V", signs[nxt]))
                i += 2
                continue
            if nxt == virama:
                i += 2
                continue
            out.append(("A", None))  # inherent vowel, may be deleted later
        elif ch in vowels:
            out.append(("V", vowels[ch]))
        elif ch in _NASALS:
            out.append(("N", None))
        elif ch in _VISARGA:
            out.append(("C", ("h", "х")))
        i += 1
    return out


def _delete_schwas(tokens: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """Ohala's rule: drop final schwa after a single consonant, then VC_CV right to left."""
    toks = list(tokens)
    if len(toks) >= 3 and toks[-1][0] == "A" and toks[-2][0] == "C" and toks[-3][0] != "C":
        toks.pop()
    elif len(toks) >= 2 and toks[-1][0] == "A" and toks[-2][0] == "C" and len(toks) == 2:
        pass  # a one-syllable word like "न" keeps its vowel
    j = len(toks) - 2
    while j >= 2:
        if (
            toks[j][0] == "A"
            and toks[j - 1][0] == "C"
            and toks[j - 2][0] in ("V", "A")
            and toks[j + 1][0] == "C"
            and j + 2 < len(toks)
            and toks[j + 2][0] in ("V", "A")
        ):
            del toks[j]
        j -= 1
    return toks


def _render(tokens: list[tuple[str, object]], target: int, nepali: bool, sinhala: bool) -> str:
    """Target 0 = plain Latin, 1 = Latin with ee/oo, 2 = Cyrillic."""
    parts: list[str] = []
    for k, (kind, value) in enumerate(tokens):
        if kind == "C":
            lat, cyr = value  # type: ignore[misc]
            if nepali and lat == "v":
                # Nepali has no /v/; व is said and written b word-initially (Bishnu, Bikram).
                lat, cyr = ("b", "б") if k == 0 else ("w", "в")
            parts.append(cyr if target == 2 else lat)
        elif kind in ("V", "A"):
            key = "a" if kind == "A" else str(value)
            parts.append(_VOWEL_OUT[key][target])
        elif kind == "N":
            nxt = tokens[k + 1][1] if k + 1 < len(tokens) and tokens[k + 1][0] == "C" else None
            labial = isinstance(nxt, tuple) and nxt[0] in _LABIALS
            if sinhala:
                parts.append("нг" if target == 2 else "ng")  # Sinhala ං is /ŋ/: Amarasinghe
            else:
                parts.append(("м" if labial else "н") if target == 2 else ("m" if labial else "n"))
    text = "".join(parts)
    if target == 2:
        text = _fix_cyrillic(text)
    return text


_IOTATED = {"а": "я", "у": "ю", "е": "е", "о": "ё"}
_CYR_VOWELS = set("аеёиоуыэюя")


def _fix_cyrillic(text: str) -> str:
    """Russian spelling of /j/: й + vowel → я/ю/е; word-initial е → э; final и after vowel → й."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch == "й" and nxt in _IOTATED:
            out.append(_IOTATED[nxt])
            i += 2
            continue
        if ch == "е" and (i == 0 or text[i - 1] in _CYR_VOWELS):
            out.append("э")
        elif ch == "и" and i == len(text) - 1 and i > 0 and text[i - 1] in _CYR_VOWELS:
            out.append("й")  # Rai → Рай
        else:
            out.append(ch)
        i += 1
    return "".join(out)


@lru_cache(maxsize=65536)
def brahmic_word(word: str, script: str, nepali: bool = False) -> tuple[str, str, str]:
    """One word → (Latin, Latin with ee/oo, Cyrillic), each with an initial capital."""
    tokens = _tokens(word, script)
    if _SCRIPTS[script][5]:
        tokens = _delete_schwas(tokens)
    lat, alt, cyr = (_render(tokens, t, nepali, script == "sinh") for t in (0, 1, 2))
    return lat.capitalize(), alt.capitalize(), cyr.capitalize()


def brahmic_name(text: str, script: str, nepali: bool = False) -> tuple[str, str, str]:
    """A multi-word name, word by word."""
    words = [brahmic_word(w, script, nepali) for w in text.split()]
    return tuple(" ".join(w[i] for w in words) for i in range(3))  # type: ignore[return-value]
