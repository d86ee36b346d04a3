"""The base of every output record, and the check a producer runs on the rows it hands on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    ValidatorFunctionWrapHandler,
    model_validator,
)


class Record(BaseModel):
    """Base of every output record: immutable, and no key that the schema does not name (a
    renamed or misspelt key fails where it is made, not four modules later)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Row(Record):
    """A result row that travels between stages as a record and is written in its JSON form
    (:meth:`as_row`): the keys it was made with, in that order, so the JSON and CSV outputs keep
    their fields and column order. A field its stage did not set stays out of the JSON form."""

    _keys: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _remember_keys(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        rec = handler(data)
        if isinstance(data, Mapping) and isinstance(rec, Row):
            rec._keys = tuple(data)
        return rec

    def given(self) -> dict[str, Any]:
        """The fields the row was made with, in their order (Python values): what a wider
        record is made from (``Wider.model_validate({**row.given(), ...})``)."""
        return {k: getattr(self, k) for k in dict.fromkeys((*self._keys, *self.model_fields_set))
                if k in self.model_fields_set}

    def as_row(self) -> dict[str, Any]:
        """The JSON form (dates as ISO strings), as the command's ``-f json`` writes it."""
        out = self.model_dump(mode="json", exclude_unset=True)
        order = [k for k in self._keys if k in out]
        seen = set(order)
        return {k: out[k] for k in [*order, *(k for k in out if k not in seen)]}


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
