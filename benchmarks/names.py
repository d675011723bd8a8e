"""Name comparison: `nomina names compare` vs a generic baseline, on synthetic name pairs.

    python benchmarks/names.py --json
    python benchmarks/names.py --persons 20000 --pairs 20000 --seed 5

Pairs come from a synthetic world (`nomina synth`), ingested into a throwaway store so
the names are exactly what ingest stores:
- positives: two records of the same true person from different sources (often in
  different scripts: Cyrillic contract lists, passport Latin, native-script inquiries);
- hard negatives: two records of different true persons who share their true family
  name (from the world's persons.csv, not from any matcher): Thapa vs Thapa, Kim vs Kim.
nomina: `nomina names compare` (the CLI, as an analyst runs it) scores each pair.
baseline: unidecode + Jaro-Winkler on the lower-cased full names (the generic model of
plain Splink). Metrics: ROC AUC, best F1 over all thresholds, seconds.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import jellyfish
from sqlalchemy import select
from unidecode import unidecode


def written_name(fields: dict) -> str:
    """The name as the record writes it: full name, else its parts in the source's order."""
    if fields["full_name"]:
        return fields["full_name"]
    parts = (fields["family_name"], fields["given_name"], fields["patronymic"])
    if fields["name_script"] != "Cyrillic":  # Latin forms write given names first
        parts = (fields["given_name"], fields["family_name"])
    return " ".join(part for part in parts if part)


def load_records(world: Path, workdir: Path) -> list[tuple[str, str, str]]:
    """(person_id, source, name) for every stored record of the world."""
    from nomina.store import open_store
    from nomina.store.schema import batches, record_fields, records
    from nomina.synth.truth import ingest_world, true_person_of_records

    store = open_store(f"sqlite:///{workdir / 'names.db'}")
    ingest_world(store, world)
    person_of = true_person_of_records(store, world)
    query = (
        select(batches.c.file_name, record_fields)
        .join(records, records.c.batch_id == batches.c.id)
        .join(record_fields, record_fields.c.record_id == records.c.id)
    )
    rows = []
    with store.engine.connect() as connection:
        for row in connection.execute(query).mappings():
            source = Path(row["file_name"]).stem
            name = written_name(row)
            if name:
                rows.append((person_of[row["record_id"]], source, name))
    return rows


def true_families(world: Path) -> dict[str, str]:
    with (world / "persons.csv").open(encoding="utf-8") as handle:
        return {row["person_id"]: row["family_passport"] for row in csv.DictReader(handle)}


def draw_pairs(rows, families, count: int, rng: random.Random) -> list[tuple[str, str, int]]:
    by_person = defaultdict(list)
    for person, source, name in rows:
        by_person[person].append((source, name))
    positives = []
    for person in sorted(by_person):
        seen = by_person[person]
        for i in range(len(seen)):
            for j in range(i + 1, len(seen)):
                if seen[i][0] != seen[j][0]:
                    positives.append((seen[i][1], seen[j][1], 1))
    by_family = defaultdict(list)
    for person in sorted(by_person):
        if families.get(person):
            by_family[families[person]].append(person)
    negatives = []
    shared = [people for people in by_family.values() if len(people) > 1]
    while shared and len(negatives) < count // 2:
        people = rng.choice(shared)
        a, b = rng.sample(people, 2)
        negatives.append((rng.choice(by_person[a])[1], rng.choice(by_person[b])[1], 0))
    rng.shuffle(positives)
    return positives[: count - len(negatives)] + negatives


def roc_auc(scores: list[float], labels: list[int]) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    ranked = sorted(zip(scores, labels, strict=True))
    positives = sum(labels)
    negatives = len(labels) - positives
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        average_rank = (i + j + 1) / 2  # 1-based ranks i+1 .. j
        rank_sum += average_rank * sum(label for _, label in ranked[i:j])
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def best_f1(scores: list[float], labels: list[int]) -> tuple[float, float]:
    ranked = sorted(zip(scores, labels, strict=True), reverse=True)
    total_positive = sum(labels)
    true_positive = false_positive = 0
    best = (0.0, 1.0)
    for index, (score, label) in enumerate(ranked):
        true_positive += label
        false_positive += 1 - label
        if index + 1 < len(ranked) and ranked[index + 1][0] == score:
            continue
        f1 = 2 * true_positive / (true_positive + false_positive + total_positive)
        best = max(best, (f1, score))
    return best


def baseline_scores(pairs) -> list[float]:
    def key(name: str) -> str:
        return " ".join(unidecode(name).lower().split())

    return [jellyfish.jaro_winkler_similarity(key(a), key(b)) for a, b, _ in pairs]


def nomina_scores(pairs, workdir: Path) -> list[float]:
    source = workdir / "pairs.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["left", "right", "label"])
        writer.writerows(pairs)
    output = subprocess.run(
        [sys.executable, "-m", "nomina.cli", "names", "compare", str(source)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [float(row["score"]) for row in csv.DictReader(output.splitlines())]


def measure(name: str, score, pairs) -> dict:
    labels = [label for _, _, label in pairs]
    started = time.perf_counter()
    scores = score(pairs)
    seconds = time.perf_counter() - started
    f1, threshold = best_f1(scores, labels)
    result = {
        "roc_auc": round(roc_auc(scores, labels), 4),
        "f1": round(f1, 4),
        "threshold": round(threshold, 4),
        "seconds": round(seconds, 2),
        "pairs": len(pairs),
    }
    print(f"{name}: {result}", file=sys.stderr)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from nomina.synth import write_world

    with tempfile.TemporaryDirectory(prefix="nomina-names-") as tmp:
        workdir = Path(tmp)
        write_world(workdir / "world", persons=args.persons, seed=args.seed)
        rows = load_records(workdir / "world", workdir)
        pairs = draw_pairs(
            rows, true_families(workdir / "world"), args.pairs, random.Random(args.seed)
        )
        positives = sum(label for _, _, label in pairs)
        print(
            f"{len(pairs)} pairs: {positives} positives, {len(pairs) - positives} hard negatives",
            file=sys.stderr,
        )
        results = {
            "names_synthetic": {
                "nomina": measure("nomina", lambda p: nomina_scores(p, workdir), pairs),
                "baseline": measure("baseline", baseline_scores, pairs),
            }
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
