"""The base of every output record, and the check a producer runs on the rows it hands on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """Base of every output record: immutable, and no key that the schema does not name (a
    renamed or misspelt key fails where it is made, not four modules later)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class StrictRecord(Record):
    """A record whose values must already have their JSON types: a number written as text, or a
    bool where a count goes, fails instead of being converted (what is validated is what is
    written)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


R = TypeVar("R", bound=Mapping[str, Any])


def checked(model: type[BaseModel], rows: Iterable[R]) -> list[R]:
    """``rows`` as they are (the JSON form is what travels and is written), once each validates
    as ``model``: the boundary where a stage hands its rows on. A key the record does not name, a
    missing one or a wrong type raises ``pydantic.ValidationError`` here, in the producer."""
    out = list(rows)
    for row in out:
        model.model_validate(row)
    return out
