"""Which sources see a person, and the rows they write about him.

Coverage differs by source and is uneven inside each: contract lists come from captured
documents of some units (coverage by unit); casualty reports see the dead, missing and
wounded; prisoner registrations see nearly every prisoner; open sources favour the dead,
the captured and nationalities the press follows; families of South Asians inquire most.
Every event reaches a source only after a recording lag (log-normal, weeks to months),
and only if it arrived before the source was received. Some persons appear twice in a
source (a second batch, a repost, a status update).
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import nepali_datetime

from . import noise, spelling
from .population import AS_OF, Person
from .specs import CASUALTIES, CONTRACTS, EXCHANGES, INQUIRIES, OPEN_SOURCE, PRISONERS

Row = list[object] | dict[str, object]

_PO = ("ПО г. Москва", "ПО г. Санкт-Петербург", "ПО г. Екатеринбург", "ПО г. Казань",
       "ПО г. Новосибирск", "ПО г. Ростов-на-Дону", "ПО г. Краснодар", "ВК г. Москвы",
       "через посредника")  # fmt: skip
_CHANNELS = {
    "NP": ("agent in Kathmandu", "manpower agency", "relative already serving"),
    "IN": ("agent (helper job offer)", "online job offer", "travel agent"),
    "LK": ("travel agency", "agent in Colombo", "former soldier network"),
    "CU": ("Facebook job offer", "construction job offer", "friend"),
}
_CHANNELS_DEFAULT = ("agent", "online job offer", "work visa", "study visa", "detained as migrant worker")  # fmt: skip
_PLACES = ("Kursk region", "Pokrovsk direction", "Kupiansk direction", "Zaporizhzhia region",
           "Donetsk region", "Kharkiv region", "Luhansk region", "Toretsk direction")  # fmt: skip
_INQUIRERS = ("mother", "father", "wife", "brother", "sister", "son", "cousin")
_INQUIRY_FACTOR = {"NP": 3.5, "IN": 3.5, "LK": 3.0, "BD": 2.0, "KR": 5.0, "CU": 0.4, "KP": 0.0}
_MEDIA_FACTOR = {"NP": 1.3, "IN": 1.4, "LK": 1.3, "CU": 1.2, "KP": 0.03}
_KILLED_WORDS = ("погиб", "погиб", "убит")
_OS_STATUS = {
    "killed": ("killed", "KIA"),
    "missing": ("missing", "MIA"),
    "captured": ("captured", "POW"),
}
_REQUESTED = {"KP": "DPRK", "IN": "Government of India", "NP": "Government of Nepal",
              "LK": "Government of Sri Lanka"}  # fmt: skip


def _slash(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


class Recorder:
    """Turns a person into (source index, row) pairs; sources are numbered as in SOURCES."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.unit_coverage: dict[str, float] = {}
        self.serial = 0

    def _lag(self, median_days: float, sigma: float) -> timedelta:
        return timedelta(days=int(self.rng.lognormvariate(math.log(median_days), sigma)))

    def rows(self, p: Person) -> list[tuple[int, Row]]:
        out: list[tuple[int, Row]] = []
        if "contracted" in p.events:
            self._contracts(p, out)
        if "captured" in p.events:
            self._prisoner(p, out)
        self._casualties(p, out)
        self._open_source(p, out)
        self._inquiry(p, out)
        self._exchange(p, out)
        if not out and p.forced == "seen":
            self._contracts(p, out, force=True)
        return out

    # --- contract lists (Russian, cp1251) ------------------------------------------------

    def _coverage(self, unit: str) -> float:
        cov = self.unit_coverage.get(unit)
        if cov is None:
            x = self.rng.random()  # a unit's papers were captured in bulk, in part, or barely
            cov = self.unit_coverage[unit] = 0.92 if x < 0.45 else 0.55 if x < 0.85 else 0.1
        return cov

    def _contracts(self, p: Person, out: list[tuple[int, Row]], force: bool = False) -> None:
        rng, ev = self.rng, p.events
        signed = ev["contracted"]
        doc = signed + self._lag(12, 0.8)
        if doc > CONTRACTS.received:
            if not force:
                return
            doc = CONTRACTS.received
        p_seen = self._coverage(p.unit) * (0.6 if signed > date(2025, 6, 1) else 1.0)
        if not force and rng.random() >= p_seen:
            return
        for copy in range(2 if rng.random() < 0.03 else 1):
            family, given, patr = spelling.russian(p, rng, variant=0.15 + 0.2 * copy)
            full = noise.maybe_typo(" ".join(x for x in (family, given, patr) if x), rng, 0.04)
            deployed = ev.get("deployed")
            self.serial = self.serial % 300 + 1
            country = p.country.russian[0] if rng.random() < 0.85 else rng.choice(p.country.russian)
            out.append((0, [
                str(self.serial),
                full,
                noise.birth_text(p.birth, rng, missing=0.02, year_only=0.0, swap=0.01, impossible=0.002),
                country,
                noise.spaced_document(p.passport_no, rng) if rng.random() < 0.8 else "",
                p.service_no if rng.random() < 0.6 else "",
                f"в/ч {p.unit}",
                noise.fmt_dmy(signed),
                noise.fmt_dmy(deployed) if deployed and deployed <= doc and rng.random() < 0.4 else "",
                _PO[p.channel % len(_PO)],
                noise.fmt_dmy(doc),
            ]))  # fmt: skip
            doc = min(doc + self._lag(60, 0.5), CONTRACTS.received)

    # --- prisoner registrations (English, xlsx) --------------------------------------------

    def _prisoner(self, p: Person, out: list[tuple[int, Row]]) -> None:
        rng = self.rng
        when = p.events["captured"]
        reg = when + timedelta(days=rng.randrange(2, 26))
        if reg > PRISONERS.received or (p.forced != "captured" and rng.random() >= 0.97):
            return
        family, given = spelling.passport(p)
        cyr = " ".join(x for x in spelling.russian(p, rng, variant=0.1) if x)
        service = p.service_no if rng.random() < 0.7 and not p.north else ""
        if service and rng.random() < 0.1:
            service = service.translate(
                str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")
            )  # Latin look-alikes
        out.append((1, [
            f"UA-POW-{rng.randrange(10**5, 10**6)}",
            noise.maybe_typo(family, rng, 0.01),
            noise.maybe_typo(given, rng, 0.01),
            cyr,
            "F" if p.name.female else "M",
            p.birth if rng.random() < 0.95 else None,
            p.country.english[0],
            p.passport_no if rng.random() < 0.7 else "",
            service,
            f"в/ч {p.unit}" if p.unit and rng.random() < 0.8 else "",
            when,
            rng.choice(_PLACES),
            reg,
        ]))  # fmt: skip

    # --- casualty reports (Russian, utf-8) --------------------------------------------------

    def _casualties(self, p: Person, out: list[tuple[int, Row]]) -> None:
        rng, ev = self.rng, p.events
        reports: list[tuple[str, date, date]] = []
        scale = 0.05 if p.north else 1.0
        for kind, prob, word in (("wounded", 0.3, "ранен"), ("missing", 0.6, "пропал без вести")):
            if kind in ev and rng.random() < prob * scale:
                reports.append((word, ev[kind], ev[kind] + self._lag(40, 0.7)))
        if "killed" in ev and rng.random() < 0.62 * scale:
            confirmed = ev["killed"] + self._lag(40, 0.7)
            if "missing" in ev:
                confirmed += self._lag(120, 0.6)  # a missing man is declared dead much later
            reports.append((rng.choice(_KILLED_WORDS), ev["killed"], confirmed))
        if "captured" in ev and rng.random() < 0.5 * scale:
            # The unit does not know he was captured: it reports him missing.
            reports.append(
                ("пропал без вести", ev["captured"], ev["captured"] + self._lag(30, 0.6))
            )
        for word, when, reported in reports:
            if reported > CASUALTIES.received:
                continue
            family, given, patr = spelling.russian(p, rng, variant=0.2)
            if rng.random() < 0.04:
                family, given = given, family  # name order swapped
            family = noise.maybe_typo(family, rng, 0.05, ocr=True)
            x = rng.random()
            note = (
                "тело не эвакуировано"
                if word != "ранен" and x < 0.1
                else "со слов сослуживцев"
                if x < 0.18
                else ""
            )
            out.append((2, [
                family, given, patr,
                noise.birth_text(
                    p.birth, rng, missing=0.25, year_only=0.12, month_only=0.03, swap=0.02, impossible=0.002
                ),
                p.country.russian[0] if rng.random() < 0.8 else "",
                f"в/ч {p.unit}" if p.unit and rng.random() < 0.85 else "",
                p.service_no if rng.random() < 0.3 else "",
                word,
                noise.fmt_dmy(when) if rng.random() < 0.95 else f"{when.month:02d}.{when.year}",
                noise.fmt_dmy(reported),
                note,
            ]))  # fmt: skip

    # --- open-source list (English, jsonl) ------------------------------------------------

    def _open_source(self, p: Person, out: list[tuple[int, Row]]) -> None:
        rng, ev = self.rng, p.events
        fate = next((k for k in ("killed", "captured", "missing") if k in ev), "")
        prob = 0.5 + (
            0.25 if fate == "killed" else 0.45 if fate == "captured" else 0.1 if fate else 0.0
        )
        if p.north:
            prob = {"killed": 0.2, "captured": 0.95}.get(fate, 0.01)
        else:
            prob *= _MEDIA_FACTOR.get(p.country.code, 1.0)
        if rng.random() >= prob:
            return
        for _copy in range(2 if rng.random() < 0.07 else 1):
            base = ev[fate] if fate else (ev.get("contracted") or ev["deployed"])
            published = base + self._lag(75, 0.8)
            status, when = (fate, ev[fate]) if fate else ("", None)
            if published > OPEN_SOURCE.received and fate:
                start = ev.get("contracted") or ev["deployed"]
                published, status, when = start + self._lag(75, 0.8), "", None  # an earlier post
            if published > OPEN_SOURCE.received:
                continue
            family, given = spelling.latin(p, rng)
            swap = p.name.pool in ("ko", "zh") and rng.random() < 0.7 or rng.random() < 0.1
            name = f"{family} {given}" if swap else f"{given} {family}"
            row: dict[str, object] = {
                "ref": f"OS-{rng.randrange(10**6, 10**7)}",
                "name": noise.maybe_typo(name, rng, 0.04),
            }
            born = noise.birth_text(p.birth, rng, missing=0.35, year_only=0.4, iso=True)
            if born:
                row["born"] = born
            if rng.random() < 0.9:
                row["country"] = (
                    p.country.english[0] if rng.random() < 0.9 else p.country.english[-1]
                )
            if status:
                row["status"] = rng.choice(_OS_STATUS[status])
                if when and rng.random() < 0.8:
                    row["date"] = (
                        when.isoformat() if rng.random() < 0.7 else f"{when.year}-{when.month:02d}"
                    )
            if p.unit and rng.random() < 0.15:
                row["unit"] = f"military unit {p.unit}"
            row["published"] = published.isoformat()
            out.append((3, row))

    # --- family inquiries (native script, utf-8 with BOM) ---------------------------------

    def _inquiry(self, p: Person, out: list[tuple[int, Row]]) -> None:
        rng, ev = self.rng, p.events
        lost = next((ev[k] for k in ("killed", "missing", "captured") if k in ev), None)
        factor = _INQUIRY_FACTOR.get(p.country.code, 1.5 if p.country.african else 1.0)
        if p.north and "captured" in ev:
            factor = 4.0  # relatives in the South and Seoul NGOs ask about DPRK prisoners
        if rng.random() >= factor * (0.12 if lost else 0.012):
            return
        if lost is None:
            start = ev.get("deployed", ev.get("contracted"))
            if start is None or start >= AS_OF:
                return
            lost = start + timedelta(days=rng.randrange((AS_OF - start).days))
        last = lost - timedelta(days=rng.randrange(0, 6))
        asked = last + self._lag(90, 0.6)
        if asked > INQUIRIES.received:
            return
        greg, bs = noise.birth_text(p.birth, rng, missing=0.04, year_only=0.05), ""
        if p.country.code == "NP" and greg and "." in greg and rng.random() < 0.4:
            nd = nepali_datetime.date.from_datetime_date(p.birth)
            greg, bs = "", f"{nd.year}-{nd.month:02d}-{nd.day:02d}"
        greg = greg.replace(".", "/")
        family, given = spelling.passport(p)
        channels = _CHANNELS.get(p.country.code, _CHANNELS_DEFAULT)
        out.append((4, [
            f"TR-{rng.randrange(10**5, 10**6)}",
            noise.maybe_typo(spelling.native_full(p, rng), rng, 0.02),
            f"{given} {family}" if rng.random() < 0.4 else "",
            ("female" if p.name.female else "male") if rng.random() < 0.7 else ("F" if p.name.female else "M"),
            greg,
            bs,
            p.country.english[0],
            p.passport_no if rng.random() < 0.3 else "",
            _slash(last) if rng.random() < 0.9 else "",
            channels[p.channel % len(channels)] if rng.random() < 0.7 else "",
            "NGO (Seoul)" if p.north else rng.choice(_INQUIRERS),
            _slash(asked),
        ]))  # fmt: skip

    # --- exchange, discharge and repatriation lists ---------------------------------------

    def _exchange(self, p: Person, out: list[tuple[int, Row]]) -> None:
        rng, ev = self.rng, p.events
        dates = [ev.get(k) for k in ("released", "exchanged", "repatriated")]
        if not any(dates):
            return
        official = p.country.code in _REQUESTED
        if rng.random() >= (0.95 if official else 0.5):
            return
        listed = max(d for d in dates if d) + timedelta(days=rng.randrange(0, 11))
        if listed > EXCHANGES.received:
            return
        family, given = spelling.passport(p)
        out.append((5, [
            str(rng.randrange(1, 200)),
            noise.maybe_typo(family, rng, 0.01),
            noise.maybe_typo(given, rng, 0.01),
            noise.birth_text(p.birth, rng, missing=0.02, year_only=0.0).replace(".", "/"),
            p.country.english[0],
            p.passport_no if rng.random() < 0.8 else "",
            *(_slash(d) if d else "" for d in dates),
            _REQUESTED.get(p.country.code, ""),
            _slash(listed),
        ]))  # fmt: skip
