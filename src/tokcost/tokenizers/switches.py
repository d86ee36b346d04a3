"""Process-wide switches of tokenizer resolution, set by root CLI flags or the environment
(so that worker processes inherit them): ``--api-count`` and ``--strict``. No imports at module
level: every tokenizer module may read them."""

from __future__ import annotations

import os
from typing import Any

ENABLE_ENV = "TOKCOST_API_COUNT"  # count Claude, Gemini, HyperCLOVA X through vendor APIs


def _on(name: str) -> bool:
    return os.environ.get(name, "").lower() not in ("", "0", "false", "no")


def api_counting_enabled() -> bool:
    return _on(ENABLE_ENV)


def enable_api_counting(on: bool = True) -> None:
    """Switch vendor API counting on (or off) for this process and the processes it starts."""
    if on:
        os.environ[ENABLE_ENV] = "1"
    else:
        os.environ.pop(ENABLE_ENV, None)


def api_model(entry: Any) -> str:
    """The vendor model an API-counted catalog entry counts with."""
    models = getattr(entry, "models", ())
    return getattr(entry, "api_model", None) or (models[0] if models else str(entry.id))


def api_key_set(vendor: str | None) -> bool:
    """Whether one of the vendor's API key variables is set (the key itself is not read)."""
    if not vendor:
        return False
    from tokcost.vendors import vendor_module

    return any(os.environ.get(v) for v in vendor_module(vendor).KEY_ENVS)


def api_key_envs(vendor: str) -> str:
    """``ANTHROPIC_API_KEY`` / ``GEMINI_API_KEY or GOOGLE_API_KEY``: what to set."""
    from tokcost.vendors import vendor_module

    return " or ".join(vendor_module(vendor).KEY_ENVS)
