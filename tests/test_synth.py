"""Tests of the synthetic world generator (nomina.synth)."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import yaml
from rigour.territories import lookup_territory

from nomina.concepts import FIELDS, IDENTIFYING_FIELDS, RELIABILITY_GRADES, SOURCE_KINDS
from nomina.synth import WorldSummary, write_world
from nomina.synth.brahmic import brahmic_name
from nomina.synth.countries import ALL_COUNTRIES, scaled_counts
from nomina.synth.forms import part_forms
from nomina.synth.korean import given_forms, surname_forms
from nomina.synth.latin import cyr_to_latin, icao_latin, palladius, uzbek_cyrillic
from nomina.synth.noise import typo
from nomina.synth.russian import to_cyrillic

SMALL = 1500


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WorldSummary]:
    out = tmp_path_factory.mktemp("small")
    return out, write_world(out, persons=SMALL, seed=3)


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WorldSummary]:
    out = tmp_path_factory.mktemp("default")
    return out, write_world(out, seed=0)  # the calibrated world, a few seconds


def _configs(out: Path) -> dict[str, dict]:
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.yaml"))
    }


def _data_file(out: Path, name: str) -> Path:
    return next(p for p in out.glob(f"{name}.*") if p.suffix != ".yaml")


def _read_rows(out: Path, name: str, cfg: dict) -> tuple[list[str], list[dict[str, object]]]:
    """(header, rows as dicts) for any source file, read as an ingest would."""
    path = _data_file(out, name)
    if path.suffix == ".csv":
        text = path.read_bytes().decode(cfg["file"]["encoding"])
        reader = csv.reader(io.StringIO(text), delimiter=cfg["file"]["delimiter"])
        header, *rows = list(reader)
        return header, [dict(zip(header, r, strict=True)) for r in rows]
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        ws = wb[cfg["file"]["sheet"]]
        header, *rows = [list(r) for r in ws.iter_rows(values_only=True)]
        return header, [dict(zip(header, r, strict=True)) for r in rows]
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    keys = list(dict.fromkeys(k for r in rows for k in r))
    return keys, rows


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_world(a, persons=600, seed=11)
    write_world(b, persons=600, seed=11)
    write_world(c, persons=600, seed=12)
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(p.name for p in b.iterdir())
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "contracts.csv").read_bytes() != (c / "contracts.csv").read_bytes()
    assert (a / "persons.csv").read_bytes() != (c / "persons.csv").read_bytes()


def test_truth_covers_every_data_row_and_nothing_else(small: tuple[Path, WorldSummary]) -> None:
    out, summary = small
    with open(out / "truth.csv", encoding="utf-8") as fh:
        truth = list(csv.DictReader(fh))
    with open(out / "persons.csv", encoding="utf-8") as fh:
        persons = {r["person_id"]: r for r in csv.DictReader(fh)}
    assert len(persons) == SMALL == summary.persons_true
    keys = [(t["source"], int(t["row_number"])) for t in truth]
    assert len(keys) == len(set(keys)), "a row is mapped twice"
    assert {t["person_id"] for t in truth} <= set(persons)
    for name, cfg in _configs(out).items():
        _, rows = _read_rows(out, name, cfg)
        first = 1 if _data_file(out, name).suffix == ".jsonl" else 2
        mapped = sorted(r for s, r in keys if s == name)
        assert mapped == list(range(first, first + len(rows))), name
        assert summary.records_per_source[name] == len(rows)
    # persons.csv says how many records each person has; together they are all the rows.
    assert sum(int(p["records"]) for p in persons.values()) == len(truth) == summary.records


def test_sources_and_yaml_follow_the_documented_format(small: tuple[Path, WorldSummary]) -> None:
    out, _ = small
    configs = _configs(out)
    assert 4 <= len(configs) <= 6
    kinds = set()
    for name, cfg in configs.items():
        assert set(cfg) == {"source", "file", "columns"}, name
        src = cfg["source"]
        assert (
            src["title"]
            and src["kind"] in SOURCE_KINDS
            and src["reliability"] in RELIABILITY_GRADES
        )
        assert isinstance(src["received"], date)
        kinds.add(src["kind"])
        fields = []
        for header, spec in cfg["columns"].items():
            field = spec["field"] if isinstance(spec, dict) else spec
            assert field in FIELDS, (name, header, field)
            fields.append(field)
        assert set(fields) & set(IDENTIFYING_FIELDS), name
        assert "reported_date" in fields, name  # the recording lag is row-level
        header, rows = _read_rows(out, name, cfg)
        for col, spec in cfg["columns"].items():
            optional = isinstance(spec, dict) and spec.get("optional")
            if _data_file(out, name).suffix == ".jsonl" and not optional:
                assert all(col in r for r in rows), (name, col)
            elif not optional:
                assert col in header, (name, col)
        # Nothing is reported after the source was received.
        col = next(h for h, s in cfg["columns"].items() if s == "reported_date")
        received = src["received"]
        for r in rows:
            assert _as_date(r[col]) <= received, (name, r[col])
    assert {
        "contracts",
        "prisoner_registration",
        "casualty_report",
        "open_source",
        "inquiry",
    } <= kinds


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    text = str(value)
    for fmt in ("%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise AssertionError(f"not a date: {text!r}")


def test_encodings(small: tuple[Path, WorldSummary]) -> None:
    out, _ = small
    raw = (out / "contracts.csv").read_bytes()
    text = raw.decode("cp1251")
    assert text.startswith("№ п/п;ФИО;")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert (out / "inquiries.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for name in (
        "casualties.csv",
        "exchanges.csv",
        "open_source.jsonl",
        "truth.csv",
        "persons.csv",
    ):
        data = (out / name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        data.decode("utf-8")


def test_expected_scripts_appear(default: tuple[Path, WorldSummary]) -> None:
    out, _ = default
    configs = _configs(out)
    _, contracts = _read_rows(out, "contracts", configs["contracts"])
    assert all(re.search("[А-Яа-яЁё]", str(r["ФИО"])) for r in contracts)
    assert all(not re.search("[A-Za-z]", str(r["ФИО"])) for r in contracts)
    _, prisoners = _read_rows(out, "prisoners", configs["prisoners"])
    assert prisoners
    for r in prisoners:
        assert re.fullmatch("[A-Z]+( [A-Z]+)*", str(r["Surname"])), r["Surname"]
        assert re.fullmatch("[A-Z]+( [A-Z]+)*", str(r["Given names"])), r["Given names"]
        assert re.search("[А-Яа-я]", str(r["Name (Cyrillic)"]))
    _, inquiries = _read_rows(out, "inquiries", configs["inquiries"])
    names = " ".join(str(r["Name (as written by family)"]) for r in inquiries)
    for script, pattern in {
        "Hangul": "[\uac00-\ud7a3]",
        "Devanagari": "[\u0900-\u097f]",
        "Arabic": "[\u0600-\u06ff]",
        "Sinhala": "[\u0d80-\u0dff]",
        "Cyrillic": "[А-Яа-я]",
        "Latin": "[A-Za-z]",
    }.items():
        assert re.search(pattern, names), f"no {script} name among the inquiries"
    bs = [r for r in inquiries if r["Date of birth (B.S.)"]]
    assert bs and all(not r["Date of birth"] for r in bs)
    assert all(r["Citizenship"] == "Nepal" for r in bs)


def test_calibration_of_the_default_world(default: tuple[Path, WorldSummary]) -> None:
    out, s = default
    assert json.loads((out / "world.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(asdict(s))
    )
    assert "128 countries" in s.describe() and "37 countries" in s.describe()
    assert s.countries_true == 128 and s.countries_observed == 128
    # "18,000 whose names are known with certainty": a document number or two sources.
    assert 16_500 <= s.contract_persons_certain <= 19_500
    assert s.contract_persons_certain < s.contract_persons_observed < s.contract_persons_true
    assert s.persons_observed < s.persons_true  # some persons are on no source at all
    # 3,388 killed of ~18,000 (~19 %).
    assert 0.15 <= s.killed_reported / s.contract_persons_certain <= 0.24
    assert s.prisoner_countries == 37
    assert s.nepal_contracts_2025 <= 5
    months = s.contracts_by_month
    per_month = {
        y: sum(n for m, n in months.items() if m.startswith(y) and m[:7] <= f"{y[:4]}-12") / 12
        for y in ("2023", "2024")
    }
    h1_2025 = sum(n for m, n in months.items() if "2025-01" <= m <= "2025-06") / 6
    assert 100 <= per_month["2023"] < per_month["2024"] < h1_2025
    top = dict(s.top_countries_observed)
    assert top["UZ"] > 2000 and 700 <= top["NP"] <= 1600 and 700 <= top["CU"] <= 1600
    # Heavy tail: many countries with fewer than ten persons.
    with open(out / "persons.csv", encoding="utf-8") as fh:
        persons = list(csv.DictReader(fh))
    sizes: dict[str, int] = {}
    for p in persons:
        sizes[p["country"]] = sizes.get(p["country"], 0) + 1
    assert sum(1 for n in sizes.values() if n < 10) >= 30
    # The DPRK: units, no contracts; the only state requesting its nationals in exchanges.
    kp = [p for p in persons if p["country"] == "KP"]
    assert kp and all(p["group"] == "unit" and not p["contracted"] for p in kp)
    assert all("contracts" not in p["sources"] for p in kp)
    _, exchanges = _read_rows(out, "exchanges", _configs(out)["exchanges"])
    exchanged = [r for r in exchanges if r["Exchanged"]]
    assert exchanged and all(r["Citizenship"] == "North Korea" for r in exchanged)
    # Deaths come mostly in the first months after deployment.
    gaps = sorted(
        (date.fromisoformat(p["killed"]) - date.fromisoformat(p["deployed"])).days
        for p in persons
        if p["killed"] and p["group"] == "contract"
    )
    assert gaps[len(gaps) // 2] <= 120


def test_every_country_alias_resolves_to_its_code(small: tuple[Path, WorldSummary]) -> None:
    lookups = [lookup_territory]
    try:  # the register's own reference table, where present, must agree (no ambiguous alias)
        from nomina.reference.territories import lookup_territory as register_lookup

        lookups.append(register_lookup)
    except ImportError:
        pass
    for country in ALL_COUNTRIES:
        for alias in country.english + country.russian:
            for lookup in lookups:
                found = lookup(alias)
                assert found is not None and found.code.upper() == country.code, alias
    out, _ = small
    configs = _configs(out)
    for name, cfg in configs.items():
        col = next((h for h, s in cfg["columns"].items() if s == "citizenship"), None)
        if col is None:
            continue
        _, rows = _read_rows(out, name, cfg)
        for value in {str(r.get(col) or "") for r in rows} - {""}:
            assert lookup_territory(value) is not None, (name, value)


def test_scaling_keeps_shares() -> None:
    counts = scaled_counts(10_000)
    assert sum(counts.values()) == 10_000
    assert counts["UZ"] > counts["NP"] > counts["IN"] > counts["CN"] > counts["JP"]
    assert counts["KP"] > counts["UZ"]


def test_progress_is_reported(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    write_world(tmp_path, persons=300, seed=1, progress=lambda *a: calls.append(a))
    assert calls[0][0] == "persons" and calls[-1][0] == "files"
    assert ("persons", 300, 300) in calls


@pytest.mark.parametrize(
    ("text", "script", "latin", "cyrillic"),
    [
        ("राम बहादुर थापा", "deva", "Ram Bahadur Thapa", "Рам Бахадур Тхапа"),
        ("गुरुङ", "deva", "Gurung", "Гурунг"),
        ("मगर", "deva", "Magar", "Магар"),
        ("अमरनाथ", "deva", "Amarnath", "Амарнатх"),
        ("राजेन्द्र", "deva", "Rajendra", "Раджендра"),
        ("আকাশ", "beng", "Akash", "Акаш"),
        ("අජිත්", "sinh", "Ajith", "Аджит"),
    ],
)
def test_brahmic_conventions(text: str, script: str, latin: str, cyrillic: str) -> None:
    lat, _, cyr = brahmic_name(text, script, nepali=True)
    assert (lat, cyr) == (latin, cyrillic)


def test_korean_conventions() -> None:
    assert surname_forms("김", True)[0] == "Kim" and surname_forms("최", True)[0] == "Choe"
    assert surname_forms("최", False)[0] == "Choi" and "Чхве" in surname_forms("최", False)[2]
    assert surname_forms("이", True)[0] == "Ri" and surname_forms("이", False)[0] == "Lee"
    assert surname_forms("박", True)[0] == "Pak" and surname_forms("박", False)[0] == "Park"
    assert given_forms("정은", True)[0] == "Jong Un" and given_forms("정은", True)[2][0] == "Чон Ын"
    assert given_forms("민준", False)[0] == "Minjun"
    assert (
        part_forms("ko", "family", "이", True).native == "리"
    )  # no initial-sound rule in the North


def test_latin_and_russian_conventions() -> None:
    assert cyr_to_latin("Щукин Юрий", "icao") == "Shchukin Iurii"
    assert cyr_to_latin("Юсупов Йодгор", "mvd310") == "Yusupov Yodgor"
    assert icao_latin("Müller-Núñez Ja’far") == "MUELLER NUNEZ JAFAR"
    assert uzbek_cyrillic("O‘tkir") == ("Ўткир", "Уткир")
    assert palladius("zhang") == "чжан" and palladius("xiao") == "сяо" and palladius("si") == "сы"
    assert [to_cyrillic(w, "es") for w in ("José", "García", "Hernández", "Castillo")] == [
        "Хосе", "Гарсия", "Эрнандес", "Кастильо",
    ]  # fmt: skip
    assert to_cyrillic("John", "en") == "Джон" and to_cyrillic("Nguyễn", "vi") == "Нгуен"


def test_typo_is_one_edit() -> None:
    import random

    rng = random.Random(5)
    for word in ("Тхапа", "Gurung", "Хасанов", "Rodriguez", "Ким"):
        for _ in range(50):
            changed = typo(word, rng)
            assert changed[0] == word[0] and abs(len(changed) - len(word)) <= 1


def test_bytes_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Set or dict order must never leak into the output: run in two fresh interpreters."""
    import os
    import subprocess
    import sys

    code = "import sys; from pathlib import Path; from nomina.synth import write_world; write_world(Path(sys.argv[1]), persons=400, seed=4)"
    for h in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": h}
        subprocess.run([sys.executable, "-c", code, str(tmp_path / h)], check=True, env=env)
    for path in sorted((tmp_path / "1").iterdir()):
        assert path.read_bytes() == (tmp_path / "2" / path.name).read_bytes(), path.name
