"""Vendor token-count endpoints, one small module per vendor (used by ``tokenizers.api_backend``).

Each module defines ``VENDOR``, ``KEY_ENVS`` (environment variables holding the key, first set
wins), ``BASE_ENV`` / ``DEFAULT_BASE`` (the base URL, overridable for tests and proxies),
``request(base, key, model, text) -> (url, headers, body)`` and ``parse(body) -> int``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

VENDORS = ("anthropic", "google", "naver")


def vendor_module(name: str) -> ModuleType:
    if name not in VENDORS:
        from tokcost.errors import TokcostError

        raise TokcostError(f"no token-count API for vendor {name!r}", hint=f"one of {', '.join(VENDORS)}")
    return importlib.import_module(f"tokcost.vendors.{name}")
