"""`nomina review`: walk the review queue in the terminal and record judgements.

Thin: the queue, its order and the judgements are `nomina.resolve.review`; this shows
one pair at a time and reads the reviewer's answer from stdin (so a script or a test
can answer too).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.text import Text

from nomina.cli import app, store_from, user_errors
from nomina.cli.commands import JSON
from nomina.cli.output import fail, side_by_side, stdout
from nomina.ingest import IngestError
from nomina.store import Store

if TYPE_CHECKING:
    from nomina.resolve.review import ReviewItem

PROMPT = "[s]ame / [d]ifferent / [u]nsure / [k] skip / [b] undo / [q]uit"
ANSWERS = {
    "s": "same",
    "same": "same",
    "d": "different",
    "different": "different",
    "u": "unsure",
    "unsure": "unsure",
    "k": "skip",
    "skip": "skip",
    "b": "undo",
    "undo": "undo",
    "q": "quit",
    "quit": "quit",
}
BAR_WIDTH = 24


@app.command("review")
@user_errors
def review_command(
    context: typer.Context,
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many pairs."),
    as_json: bool = JSON,
) -> None:
    """Walk the uncertain pairs that matter most and record same / different / unsure."""
    # Imported here: the resolve package loads pandas, which other commands need not pay for.
    from nomina.resolve.review import review_queue

    store = store_from(context)
    try:
        items = review_queue(store, limit=limit)
    except ValueError as error:
        raise IngestError(store.describe(), str(error)) from None
    if as_json:
        print(json.dumps([item.to_dict() for item in items], ensure_ascii=False, indent=2))
        return
    if not items:
        stdout.print("nothing to review: every uncertain pair of the latest run has a verdict")
        return
    judged = _walk(store, items)
    _summarise(judged)


def _walk(store: Store, items: list[ReviewItem]) -> list[str]:
    """Show each pair and act on the answer; returns the verdicts recorded and not undone."""
    from nomina.resolve.review import record_judgement

    judged: list[tuple[int, str]] = []  # (position, verdict), for undo
    position = 0
    while position < len(items):
        item = items[position]
        _show(item, position + 1, len(items))
        answer = _ask(can_undo=bool(judged))
        if answer == "quit":
            break
        if answer == "skip":
            position += 1
        elif answer == "undo":
            position = _undo(store, items, judged, position)
        else:
            record_judgement(store, item.left_record_id, item.right_record_id, answer)
            judged.append((position, answer))
            position += 1
    return [verdict for _, verdict in judged]


def _ask(*, can_undo: bool) -> str:
    """The reviewer's next action; end of input counts as quit."""
    while True:
        try:
            typed = typer.prompt(PROMPT, default="", show_default=False)
        except typer.Abort:  # end of input or Ctrl-C: stop, keeping what was recorded
            stdout.print()  # end the prompt's line
            return "quit"
        answer = ANSWERS.get(typed.strip().lower())
        if answer is None:
            stdout.print(f"answer one of: {PROMPT}", highlight=False, markup=False)
        elif answer == "undo" and not can_undo:
            stdout.print("nothing judged in this session to undo", highlight=False)
        else:
            return answer


def _undo(store: Store, items: list[ReviewItem], judged: list[tuple[int, str]], here: int) -> int:
    """Undo the session's last judgement; returns the position to show next (that pair)."""
    from nomina.resolve.review import undo_last_judgement

    try:
        undo = undo_last_judgement(store)
    except ValueError as error:  # someone judged the pair since: theirs stands
        fail(str(error))
        return here
    position, _ = judged.pop()
    stdout.print(
        f"undone: {undo.undone_verdict} on records {undo.left_record_id} and "
        f"{undo.right_record_id}; back to {undo.restored_verdict}",
        highlight=False,
    )
    return position


def _show(item: ReviewItem, number: int, total: int) -> None:
    from nomina.resolve.review import REVIEW_RECORD_COLUMNS

    again = " · judged unsure before" if item.previous_verdict == "unsure" else ""
    stdout.rule(f"pair {number} of {total}")
    stdout.print(
        f"records {item.left_record_id} and {item.right_record_id}: match probability "
        f"{item.probability:.3f}, weight {item.match_weight:+.2f} bits "
        f"(threshold {item.threshold:g} = {item.threshold_weight:+.2f} bits){again}",
        highlight=False,
    )
    sides = [
        {**item.left_fields, "person": _person(item.left_person_id, item.left_person_size)},
        {**item.right_fields, "person": _person(item.right_person_id, item.right_person_size)},
    ]
    fields = ("record_id", "person", *REVIEW_RECORD_COLUMNS[1:])
    stdout.print(side_by_side(sides, fields, mark_differences=True))
    stdout.print(_weights(item))


def _person(person_id: int | None, size: int) -> str:
    if person_id is None:
        return "(none)"
    return f"{person_id} ({size} record{'s' if size != 1 else ''})"


def _weights(item: ReviewItem) -> Table:
    """Each comparison's weight in bits with a bar: green for, red against a match."""
    rows: list[tuple[str, float]] = [
        (name, float(contribution["weight"])) for name, contribution in item.contributions.items()
    ]
    rows.append(("prior (share of matches)", item.prior_weight))
    scale = max((abs(weight) for _, weight in rows), default=0.0) or 1.0
    table = Table(title="Match weight by comparison")
    table.add_column("comparison")
    table.add_column("weight", justify="right")
    table.add_column("", no_wrap=True)
    for name, weight in rows:
        table.add_row(name, f"{weight:+.2f}", _bar(weight, scale))
    table.add_section()
    table.add_row("total", f"{item.match_weight:+.2f}", Text(f"probability {item.probability:.3f}"))
    return table


def _bar(weight: float, scale: float) -> Text:
    length = round(abs(weight) / scale * BAR_WIDTH)
    return Text("█" * length, style="green" if weight > 0 else "red")


def _summarise(verdicts: list[str]) -> None:
    if not verdicts:
        stdout.print("no judgements recorded")
        return
    counts = Counter(verdicts)
    detail = ", ".join(f"{counts[v]} {v}" for v in ("same", "different", "unsure") if counts[v])
    stdout.print(
        f"recorded {len(verdicts)} judgement{'s' if len(verdicts) != 1 else ''} ({detail}); "
        "they take effect on the next `nomina resolve`.",
        highlight=False,
    )
