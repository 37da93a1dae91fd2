"""The API's one pagination: page numbers with documented bounds.

ninja's ``PageNumberPagination`` takes any page number, and a page far past the end became an
OFFSET the database refuses (a 500). Here the page and its size are bounded, so such a request
is a 422 naming the parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 100

Row = TypeVar("Row", bound=Model)
Out = TypeVar("Out", bound=Any)


class BoundedPageNumberPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"页码，1 到 {MAX_PAGE}")
        page_size: int | None = Field(
            None, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，1 到 {MAX_PAGE_SIZE}"
        )

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(**kwargs)  # type: ignore[arg-type]


class LazyPage(Generic[Row, Out]):
    """A query for ``paginate``: counted and sliced in the database, and only the rows of the
    page served are turned into answers by ``render``."""

    def __init__(self, rows: QuerySet[Row], render: Callable[[Row], Out]) -> None:
        self.rows = rows
        self.render = render

    def __len__(self) -> int:
        return self.rows.count()

    def __getitem__(self, index: slice) -> list[Out]:
        return [self.render(row) for row in self.rows[index]]
