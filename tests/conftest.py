"""Test setup: real tokenizers from ../shared/tokenizers, an isolated cache, no network."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TOKCOST_SHARED_DIR", REPO.parent / "shared"))
MIRROR = SHARED / "tokenizers"
FLORES = SHARED / "reference" / "flores200"
REQUIRE_SHARED = os.environ.get("TOKCOST_REQUIRE_SHARED") == "1"


def need_shared(path: Path = MIRROR) -> Path:
    """Skip (in a user's clone) or fail (in CI, where ../shared always exists) without it."""
    if path.exists():
        return path
    msg = f"{path} is absent: these tests need ../shared beside the repository"
    if REQUIRE_SHARED:
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    cache = tmp_path_factory.mktemp("tokcost-cache")
    monkeypatch.setenv("TOKCOST_CACHE_DIR", str(cache))
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache / "tiktoken-empty"))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache / "hf-empty"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("CI", raising=False)
    if MIRROR.exists():
        monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", str(MIRROR))
    else:
        monkeypatch.delenv("TOKCOST_TOKENIZERS_DIR", raising=False)
    from tokcost.tokenizers import _load_cached

    _load_cached.cache_clear()


@pytest.fixture
def mirror() -> Path:
    return need_shared(MIRROR)


@pytest.fixture
def flores() -> Path:
    return need_shared(FLORES)
