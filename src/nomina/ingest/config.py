"""Source configuration: the YAML beside each file (format: docs/source-config.md).

Errors name the key and the line of the YAML they come from, because the people
who write these files are analysts, not programmers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nomina.concepts import (
    EVENT_KINDS,
    FIELDS,
    IDENTIFYING_FIELDS,
    RELIABILITY_GRADES,
    SOURCE_KINDS,
)
from nomina.ingest.errors import SourceConfigError

DateOrder = Literal["DMY", "MDY", "YMD"]
Calendar = Literal["gregorian", "bikram_sambat"]
ENCODINGS = ("utf-8", "utf-8-sig", "cp1251", "koi8-r")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceSection(_Strict):
    title: str = Field(min_length=1)
    kind: Literal[SOURCE_KINDS]  # type: ignore[valid-type]
    organisation: str | None = None
    reliability: Literal[tuple(RELIABILITY_GRADES)]  # type: ignore[valid-type]
    received: dt.date


class FileSection(_Strict):
    encoding: Literal[ENCODINGS] | None = None  # type: ignore[valid-type]
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    sheet: str | None = None
    date_order: DateOrder = "DMY"


class ColumnMapping(_Strict):
    field: Literal[FIELDS]  # type: ignore[valid-type]
    optional: bool = False
    date_order: DateOrder | None = None
    calendar: Calendar = "gregorian"
    # A cell that does not parse: `quarantine` the whole row (the default), or `blank`:
    # keep the row with this field empty and list the value as set aside.
    on_error: Literal["quarantine", "blank"] = "quarantine"


class SourceConfigModel(_Strict):
    source: SourceSection
    file: FileSection = FileSection()
    columns: dict[str, ColumnMapping]

    @field_validator("columns", mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        # `Header: field` is shorthand for `Header: {field: field}`.
        if isinstance(value, dict):
            return {
                str(column): {"field": spec} if isinstance(spec, str) else spec
                for column, spec in value.items()
            }
        return value

    @field_validator("columns")
    @classmethod
    def _sensible_columns(cls, columns: dict[str, ColumnMapping]) -> dict[str, ColumnMapping]:
        if not columns:
            raise ValueError("map at least one column")
        fields = {mapping.field for mapping in columns.values()}
        if not fields & set(IDENTIFYING_FIELDS):
            raise ValueError(
                "map at least one name, document_number or service_number column, "
                "or no record could be told apart"
            )
        # A field may come from several columns (a Gregorian and a Bikram Sambat birth
        # date, say): the first non-empty one in YAML order wins, row by row.
        return columns


@dataclass(frozen=True)
class SourceConfig:
    """A validated source YAML and its text (kept with every batch for provenance)."""

    path: Path
    text: str
    model: SourceConfigModel
    sha256: str = field(repr=False)

    @property
    def source(self) -> SourceSection:
        return self.model.source

    @property
    def file(self) -> FileSection:
        return self.model.file

    @property
    def columns(self) -> dict[str, ColumnMapping]:
        return self.model.columns

    def event_columns(self) -> dict[str, str]:
        """column header → event kind, for columns whose cell is an event date."""
        return {col: m.field for col, m in self.columns.items() if m.field in EVENT_KINDS}


class _ConfigLoader(yaml.SafeLoader):
    """YAML as analysts expect: `received: 2025-13-01` is a date error with a line, not a
    crash, and a column called `No` or `On` stays text (only true/false are booleans)."""


_ConfigLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ConfigLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_source_config(path: Path) -> SourceConfig:
    """Read and validate a source YAML; raise SourceConfigError naming key and line."""
    try:
        raw_bytes = path.read_bytes()
        text = raw_bytes.decode("utf-8-sig")
    except FileNotFoundError:
        raise SourceConfigError(path, "source config not found") from None
    except UnicodeDecodeError as error:
        raise SourceConfigError(path, f"not UTF-8 text (byte {error.start})") from None
    try:
        node = yaml.compose(text, Loader=_ConfigLoader)
        data = yaml.load(text, Loader=_ConfigLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise SourceConfigError(path, f"{where}invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise SourceConfigError(path, "expected a mapping with keys source, columns (and file)")
    try:
        model = SourceConfigModel.model_validate(data)
    except ValidationError as error:
        raise SourceConfigError(path, _describe(error, node)) from None
    return SourceConfig(
        path=path, text=text, model=model, sha256=hashlib.sha256(raw_bytes).hexdigest()
    )


def _describe(error: ValidationError, root: yaml.Node | None) -> str:
    problems = []
    for issue in error.errors():
        location = [
            part for part in issue["loc"] if part != "field" or issue["loc"][0] != "columns"
        ]
        # Drop pydantic's internal step names (e.g. 'literal', function-after).
        location = [
            part for part in location if not str(part).startswith(("function-", "literal["))
        ]
        key = ".".join(str(part) for part in location) or "(top level)"
        line = _line_of(root, location)
        where = f"line {line}, " if line else ""
        message = issue["msg"].removeprefix("Value error, ")
        if issue["type"] == "literal_error" and "expected" in issue.get("ctx", {}):
            message = f"{issue['input']!r} is not one of {issue['ctx']['expected']}"
        elif issue["type"] == "extra_forbidden":
            message = "unknown key"
        problems.append(f"{where}key '{key}': {message}")
    return "; ".join(problems)


def _line_of(node: yaml.Node | None, location: list[Any]) -> int | None:
    """The 1-based line of the deepest YAML node found along `location`."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in location:
        if not isinstance(node, yaml.MappingNode):
            break
        for key_node, value_node in node.value:
            if str(key_node.value) == str(part):
                line = key_node.start_mark.line + 1
                node = value_node
                break
        else:
            break
    return line
