"""Resolution on Splink's historical figures: nomina vs plain Splink.

    python benchmarks/historical.py --json
    python benchmarks/historical.py --sample 1000        # the first 1,000 true persons

Data: `historical_figures_with_errors_50k.parquet` from Splink's public data sets
(shared/data/splink_datasets: 50,578 records of 5,156 true persons, made from Wikidata
with typos, nicknames, missing and altered values). Truth: the `cluster` column.
`--sample N` keeps the records of the first N true persons in file order.

The file is written as a CSV of what a user would have (full_name, first_and_surname,
first_name, surname, dob, birth_place, postcode_fake, gender, occupation; the id and the
truth are left out) with a source YAML mapping first_name → given_name, surname →
family_name, dob → birth_date, birth_place → birth_place, gender → sex. full_name is
not mapped: it repeats the parts with titles ("thomas clifford, 1st baron clifford of
chudleigh"), and the baseline builds its name from the parts too. postcode_fake and
occupation have no nomina field. Cells nomina cannot read (gender "t2227949966" or
"female | male", month 86) stay: nomina quarantines those rows, as it would a user's,
and they are scored as unresolved.

Birth dates: every date here is before 1893, and nomina refuses birth years before 1900
(its register is about people alive in today's conflicts), so verbatim dates would
quarantine three rows in four. Both sides therefore see every date shifted by 208
years (a multiple of 4, so leap days stay leap days; 1849-03-05 becomes 2057-03-05,
and the source's received date is 2100-12-31); dates that still fall outside nomina's
years 1900-2100 (before 1692) are left empty for both sides. Day, month and every
difference between two dates are unchanged. `--verbatim-dates` writes them unshifted,
to see the quarantine.

Both sides, their metrics (pairwise and cluster F1) and how they are run:
benchmarks/_resolution.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from _resolution import Source, compare_files, parser, report, say, workspace

FILE = "historical_figures_with_errors_50k.parquet"
# shared/ sits beside the checkout here, inside it on other machines.
DATA = next(
    (
        folder / "shared/data/splink_datasets" / FILE
        for folder in Path(__file__).resolve().parents[1:3]
        if (folder / "shared/data/splink_datasets" / FILE).exists()
    ),
    Path("shared/data/splink_datasets") / FILE,
)
WRITTEN = [
    "full_name",
    "first_and_surname",
    "first_name",
    "surname",
    "dob",
    "birth_place",
    "postcode_fake",
    "gender",
    "occupation",
]
COLUMNS = {
    "first_name": "given_name",
    "surname": "family_name",
    "dob": "birth_date",
    "birth_place": "birth_place",
    "gender": "sex",
}
SHIFT_YEARS = 208
SHIFTED_RECEIVED = "2100-12-31"
ISO_YEAR = re.compile(r"(\d{4})(-.*)")


def shifted(dob: str | None, first: int, last: int) -> str | None:
    """`dob` with its year moved SHIFT_YEARS on; None when outside [first, last]."""
    match = ISO_YEAR.fullmatch(dob or "")
    if not match:
        return None
    year = int(match.group(1)) + SHIFT_YEARS
    return f"{year:04d}{match.group(2)}" if first <= year <= last else None


def historical(data: Path, sample: int | None, verbatim_dates: bool, workdir: Path) -> dict:
    from nomina.ingest.values import MAX_YEAR, MIN_YEAR

    frame = pd.read_parquet(data)
    if sample:
        kept = frame["cluster"].drop_duplicates().head(sample)
        frame = frame[frame["cluster"].isin(kept)]
    frame = frame.reset_index(drop=True)
    cells = frame[WRITTEN].astype(object)
    cells = cells.where(cells.notna(), None)
    received = None
    if not verbatim_dates:
        cells["dob"] = cells["dob"].map(lambda v: shifted(v, MIN_YEAR, MAX_YEAR))
        received = SHIFTED_RECEIVED
        say(f"{frame['dob'].notna().sum() - cells['dob'].notna().sum()} birth dates out of range")
    source = Source(
        name="historical",
        title="Historical figures with errors",
        frame=cells,
        columns=COLUMNS,
        **({"received": received} if received else {}),
    )
    truth = {source.key(i): cluster for i, cluster in enumerate(frame["cluster"])}
    say(f"{len(frame)} records of {frame['cluster'].nunique()} true persons")
    return compare_files([source], truth, workdir)


def main() -> None:
    arguments = parser(__doc__)
    arguments.add_argument("--sample", type=int, help="only the first N true persons")
    arguments.add_argument("--verbatim-dates", action="store_true")
    arguments.add_argument("--data", type=Path, default=DATA)
    args = arguments.parse_args()
    with workspace() as tmp:
        results = {"historical": historical(args.data, args.sample, args.verbatim_dates, Path(tmp))}
    say(f"historical: {results['historical']}")
    report(results, args.json)


if __name__ == "__main__":
    main()
