"""Test setup: real tokenizers from ../shared/tokenizers, an isolated cache, no network."""

from __future__ import annotations

import json
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


AX_DIR = Path("skt") / "A.X-4.0-Light"


def digit_split_ax(mirror: Path, folder: Path, configs: bool = False) -> Path:
    """A copy of the mirror's A.X 4.0 tokenizer.json that splits every digit (so it loads,
    counts differently and is identity=unverified), written into ``folder``; with ``configs``
    beside its tokenizer_config.json and special_tokens_map.json, as a mirror folder has them."""
    src = mirror / AX_DIR
    folder.mkdir(parents=True, exist_ok=True)
    if configs:
        for name in ("tokenizer_config.json", "special_tokens_map.json"):
            (folder / name).write_bytes((src / name).read_bytes())
    doc = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    doc["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Digits", "individual_digits": True}, doc["pre_tokenizer"]]}
    out = folder / "tokenizer.json"
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return out
