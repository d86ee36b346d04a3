"""The count record: one row per tokenizer × input (``tokcost count``, ``tokcost.count``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tokcost.schema.base import StrictRecord

TokenizerMatch = Literal["exact", "presumed", "proxy", "vendor-api", "none"]


class CountRecord(StrictRecord):
    """Tokens, characters and UTF-8 bytes of one input on one tokenizer; the per-token ratios are
    None when the input has no tokens."""

    tokenizer: str
    input: str = Field(description="'text', 'stdin', a file path, or 'N inputs' with --total")
    tokens: int = Field(ge=0)
    chars: int = Field(ge=0)
    bytes: int = Field(ge=0)
    chars_per_token: float | None
    bytes_per_token: float | None
    exactness: str
    proxy_of: str | None
    tokenizer_sha256: str
    identity: Literal["verified", "unverified"]
    identity_method: str | None
    tokenizer_match: TokenizerMatch


class CountDocument(StrictRecord):
    """``tokcost count -f json``."""

    schema_: Literal["tokcost/count/1"] = Field(alias="schema")
    tokcost_version: str
    warnings: list[str] = Field(default=[])
    rows: list[CountRecord]
