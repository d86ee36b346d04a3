"""Typed records that cross tokcost's boundaries (issue #15, schema first).

Each stage produces and consumes these models; the JSON Schemas under ``schemas/`` are generated
from them (``python -m tokcost.schema --write``) and a test fails when a committed schema is stale.
pydantic is imported only by code that builds or validates records, never by ``tokcost --help``.
"""

from __future__ import annotations
