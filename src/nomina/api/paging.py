"""Pagination shared by every listing: `?page=1&per_page=50` → a page object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def wrap(self, total: int, items: list[Any]) -> dict[str, Any]:
        return {
            "total": total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": (total + self.per_page - 1) // self.per_page,
            "items": items,
        }


def paging(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1.")] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="Items per page.")] = 50,
) -> Paging:
    return Paging(page, per_page)
