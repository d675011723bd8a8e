"""The synthetic world: a true population and the messy sources that each see part of it.

`write_world(out_dir, persons, seed)` writes, into out_dir:

- contracts.csv (cp1251, ";"), prisoners.xlsx, casualties.csv, open_source.jsonl,
  inquiries.csv (UTF-8 with BOM) and exchanges.csv, each with NAME.yaml beside it in the
  format of docs/source-config.md;
- truth.csv (source, row_number, person_id for every data row), persons.csv (the true
  population with true names and events), and world.json (the summary).

It is the generator, not a model of any matcher: names are spelled by published
conventions (see brahmic, korean, latin, russian) and then damaged (noise). All data is
synthetic; no real person is described. Same seed and size, same bytes.
"""

from .world import WorldSummary, write_world

__all__ = ["WorldSummary", "write_world"]
