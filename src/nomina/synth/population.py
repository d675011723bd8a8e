"""The true population: who signed when, and what happened to each person.

Shapes from CALIBRATION.md: contracts rise from hundreds a month (2023) to ~500 (2024) and
~1,000 (first half of 2025), with country waves (Nepal 2023–24 and one person in 2025,
Cuba 2023, India 2023–24, Sri Lanka 2024, Uzbekistan rising every year); death comes mostly
in the first months after deployment (exponential hazard from deployment), capture mostly
on the first deployment; the DPRK arrives as units in late 2024 and early 2025; India,
Nepal and Sri Lanka obtained discharges and repatriations for some of their nationals.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from .countries import CAPTURE_COUNTRIES, Country
from .pools import Choice, Name, draw_name

AS_OF = date(2025, 11, 1)  # the world's "today": nothing happens after this
FIRST_MONTH = (2022, 9)
MONTHS = 38  # 2022-09 … 2025-10


def month_start(m: int) -> date:
    y, mo = divmod(FIRST_MONTH[0] * 12 + FIRST_MONTH[1] - 1 + m, 12)
    return date(y, mo + 1, 1)


def _default(m: int) -> float:
    if m < 4:
        return 0.3
    if m < 16:
        return 1.0 + (m - 4) * 0.2
    if m < 28:
        return 4.0 + (m - 16) * 0.2
    if m < 34:
        return 9.0 + (m - 28) * 0.4
    return 10.0 - (m - 34) * 0.5


def _band(m: int, bands: list[tuple[int, float]]) -> float:
    """Piecewise constant: bands of (first month index, weight)."""
    w = 0.0
    for start, weight in bands:
        if m >= start:
            w = weight
    return w


# Month index: 0 = 2022-09, 4 = 2023-01, 16 = 2024-01, 22 = 2024-07, 28 = 2025-01.
PROFILES: dict[str, list[float]] = {
    "default": [_default(m) for m in range(MONTHS)],
    "late": [_default(m) * (0.3 if m < 16 else 1.0) for m in range(MONTHS)],
    "early": [_band(m, [(0, 1.5), (4, 2.0), (28, 1.5)]) for m in range(MONTHS)],
    "uzbek": [_band(m, [(0, 0.5), (4, 4.2), (16, 7.8), (28, 21.7), (34, 18.0)]) for m in range(MONTHS)],
    "nepal": [_band(m, [(0, 0.2), (4, 6.0), (16, 5.0), (22, 1.0), (28, 0.0)]) for m in range(MONTHS)],
    "cuba": [_band(m, [(0, 0.5), (4, 3.0), (10, 6.0), (16, 3.0), (22, 1.5), (28, 1.0)]) for m in range(MONTHS)],
    "india": [_band(m, [(0, 0.0), (4, 2.0), (16, 4.0), (22, 0.5), (28, 0.3)]) for m in range(MONTHS)],
    "srilanka": [_band(m, [(0, 0.0), (4, 0.5), (13, 4.0), (25, 0.5), (28, 0.2)]) for m in range(MONTHS)],
}  # fmt: skip
_MONTH_CHOICE = {k: Choice({str(m): w for m, w in enumerate(v)}) for k, v in PROFILES.items()}

# Base probabilities (per person, over the whole service); tuned so the default world's
# sources name ~20 % of the ~18,000 certain persons killed (3,388 in the seeds) with
# the reporting lag of records.py.
P_KILLED = 0.14
P_MISSING = 0.07
P_WOUNDED = 0.22
P_CAPTURED = 0.022
P_CAPTURED_KP = 0.0006
RELEASE = {"IN": (0.6, date(2024, 5, 1), date(2025, 3, 1)), "NP": (0.08, date(2024, 3, 1), date(2025, 6, 1)),
           "LK": (0.15, date(2024, 6, 1), date(2025, 6, 1))}  # fmt: skip


@dataclass(slots=True)
class Person:
    pid: str
    country: Country
    name: Name
    birth: date
    unit: str = ""  # military unit number (в/ч)
    passport_no: str = ""
    service_no: str = ""
    channel: int = 0  # index into the recruitment-channel lists of sources.py
    events: dict[str, date] = field(default_factory=dict)
    forced: str = ""  # "seen": must be on a source; "captured": a calibration capture

    @property
    def north(self) -> bool:
        return self.country.code == "KP"


def _exp_days(rng: random.Random, mean: float) -> timedelta:
    return timedelta(days=int(rng.expovariate(1.0 / mean)) + 1)


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randrange(10 ** (n - 1), 10**n))


def passport_number(code: str, rng: random.Random) -> str:
    """A plausible-looking, fictitious document number in the country's usual pattern."""
    if code == "UZ":
        return rng.choice(("AA", "AB", "AC", "AD", "FA")) + _digits(rng, 7)
    if code == "KZ":
        return "N" + _digits(rng, 8)
    if code == "TJ":
        return "4" + _digits(rng, 8)
    if code == "KG":
        return rng.choice(("AC", "PE", "ID")) + _digits(rng, 7)
    if code in ("NP", "LK"):
        return ("PA" if code == "NP" else "N") + _digits(rng, 7)
    if code == "IN":
        return rng.choice("JKLMNPRSTUVWZ") + _digits(rng, 7)
    if code == "CN":
        return "E" + _digits(rng, 8)
    if code == "KP":
        return _digits(rng, 9)
    return rng.choice("ABCDEFGHKLMNPRST") + rng.choice("ABCDEFGHKLMNPRST") + _digits(rng, 7)


class PopulationModel:
    """Draws persons one by one; all randomness comes from the world's one Random."""

    def __init__(self, rng: random.Random, counts: dict[str, int]) -> None:
        self.rng = rng
        # Unit numbers: distinct five-digit numbers, drawn once per world.
        units: dict[str, None] = {}
        while len(units) < 700:
            units[_digits(rng, 5)] = None
        self.units = list(units)
        self.home_units: dict[str, list[str]] = {}
        # Countries still owed a calibration fact (only membership is tested, never order).
        # Only groups large enough that a prisoner is expected anyway are forced to have one.
        self.pending_capture = {c for c in CAPTURE_COUNTRIES if counts.get(c, 0) >= 50}
        self.pending_seen = {c for c, n in counts.items() if n and c != "KP"}
        # From which of its persons on a country's calibration fact may be forced, so the
        # forced person is not always the first one drawn.
        self.force_from = {c: rng.randrange(min(n, 40)) for c, n in sorted(counts.items()) if n}

    def _unit(self, country: Country) -> str:
        home = self.home_units.get(country.code)
        if home is None:
            k = max(3, min(40, country.named // 60))
            home = self.home_units[country.code] = self.rng.sample(self.units, k)
        # Recruits of one nationality are mostly sent to a few units.
        if self.rng.random() < 0.8:
            return home[min(int(self.rng.expovariate(0.5)), len(home) - 1)]
        return self.rng.choice(self.units)

    def person(self, pid: str, country: Country, local_index: int) -> Person:
        rng = self.rng
        female = country.code != "KP" and rng.random() < 0.03
        name = draw_name(country.pool, female, rng)
        p = Person(pid, country, name, birth=AS_OF)
        ev = p.events
        if country.code == "KP":
            # Units arrived Oct–Dec 2024; a rotation followed in Feb–Apr 2025.
            start = date(2024, 10, 10) if rng.random() < 0.8 else date(2025, 2, 1)
            ev["deployed"] = start + timedelta(days=rng.randrange(70))
            age = rng.triangular(19, 35, 23)
            contract_day = ev["deployed"]
        else:
            m = int(_MONTH_CHOICE[country.profile].pick(rng))
            if country.code == "NP" and local_index == 1:
                m = 32  # the one Nepali contract of 2025 (CALIBRATION.md)
            contract_day = month_start(m) + timedelta(days=rng.randrange(28))
            ev["contracted"] = contract_day
            age = rng.triangular(19, 58, 30)
            p.unit = self._unit(country)
            dep = contract_day + timedelta(days=rng.randrange(10, 46))
            if dep < AS_OF:
                ev["deployed"] = dep
        p.birth = contract_day - timedelta(days=int(age * 365.25))
        p.passport_no = passport_number(country.code, rng)
        p.service_no = rng.choice("АВЕКМНОРСТХ") + rng.choice("АВЕКМНОРСТХ") + "-" + _digits(rng, 6)
        p.channel = rng.randrange(1000)
        eligible = local_index >= self.force_from.get(country.code, 0)
        if eligible and country.code in self.pending_seen and contract_day < date(2025, 8, 1):
            self.pending_seen.discard(country.code)
            p.forced = "seen"  # every country of the 128 is named by some source
        if "deployed" in ev:
            self._fate(p, eligible)
        return p

    def _fate(self, p: Person, eligible: bool) -> None:
        rng, ev, code = self.rng, p.events, p.country.code
        dep = ev["deployed"]
        kp = code == "KP"
        outcomes: list[tuple[date, str]] = []
        if eligible and code in self.pending_capture and dep < AS_OF - timedelta(days=60):
            # Calibration: every country with prisoners has at least one (37 in all).
            self.pending_capture.discard(code)
            p.forced = "captured"
            outcomes.append((min(dep + _exp_days(rng, 35), AS_OF - timedelta(days=20)), "captured"))
        else:
            pc = P_CAPTURED_KP if kp else P_CAPTURED * (0.5 if code == "NP" else 1.0)
            if code in CAPTURE_COUNTRIES and rng.random() < pc:
                outcomes.append((dep + _exp_days(rng, 35), "captured"))
            if rng.random() < P_KILLED * p.country.kill * (0.6 if kp else 1.0):
                outcomes.append((dep + _exp_days(rng, 45 if kp else 80), "killed"))
            if rng.random() < P_MISSING * p.country.kill:
                outcomes.append((dep + _exp_days(rng, 80), "missing"))
            outcomes = sorted(o for o in outcomes if o[0] < AS_OF)
        end = AS_OF
        if outcomes:
            when, what = outcomes[0]
            ev[what] = when
            end = when
            if what == "missing" and rng.random() < 0.45:
                ev["killed"] = when  # body or witness found later: killed on that day
            if what == "captured" and kp and rng.random() < 0.6:
                exch = when + timedelta(days=rng.randrange(90, 300))
                if exch < AS_OF:
                    ev["exchanged"] = exch
        if rng.random() < P_WOUNDED:
            w = dep + _exp_days(rng, 60)
            if w < end:
                ev["wounded"] = w
        if not kp:
            self._release(p, end)

    def _release(self, p: Person, end: date) -> None:
        rng, ev = self.rng, p.events
        share, first, last = RELEASE.get(p.country.code, (0.02, date(2023, 6, 1), AS_OF))
        if rng.random() >= share:
            return
        lo = max(first, ev["deployed"] + timedelta(days=30))
        if lo >= min(last, end):
            return
        rel = lo + timedelta(days=rng.randrange((min(last, end) - lo).days))
        ev["released"] = rel
        home_help = p.country.code in RELEASE
        if home_help or rng.random() < 0.3:
            rep = rel + timedelta(days=rng.randrange(5, 60))
            if rep < AS_OF:
                ev["repatriated"] = rep
