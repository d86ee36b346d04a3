"""Resolution order, offline first, and the bundled-wheel fallback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tokcost.errors import TokenizerUnavailable
from tokcost.tokenizers.catalog import load_catalog
from tokcost.tokenizers.resolver import candidates, resolve


def test_order_user_then_mirror_then_cache(mirror, tmp_path, monkeypatch):
    entry = load_catalog()["cl100k_base"]
    src = mirror / "tiktoken" / "cl100k_base.tiktoken"
    cache = tmp_path / "cache"
    (cache / "tokenizers" / "tiktoken").mkdir(parents=True)
    shutil.copy(src, cache / "tokenizers" / "tiktoken" / "cl100k_base.tiktoken")
    monkeypatch.setenv("TOKCOST_CACHE_DIR", str(cache))
    assert resolve(entry).origin == "mirror"
    assert resolve(entry, user_path=src).origin == "user"
    monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", os.pathsep.join([str(tmp_path / "nope"), ""]))
    assert resolve(entry).origin == "cache"


def test_second_mirror_dir_is_searched(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", os.pathsep.join([str(tmp_path), str(mirror)]))
    res = resolve(load_catalog()["exaone-4.0"])
    assert res.origin == "mirror" and res.verified is True


def test_tampered_tiktoken_file_is_ignored(mirror, tmp_path, monkeypatch):
    bad = tmp_path / "tiktoken"
    bad.mkdir()
    (bad / "o200k_base.tiktoken").write_bytes(b"aGVsbG8= 0\n")
    monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", str(tmp_path))
    monkeypatch.setattr("tokcost.tokenizers.resolver._bundled_file", lambda *a: None)
    with pytest.raises(TokenizerUnavailable, match="tokenizers pull o200k_base"):
        resolve(load_catalog()["o200k_base"])
    notes = [c.note for c in candidates(load_catalog()["o200k_base"])]
    assert notes  # the mirror candidate is listed


def test_missing_tokenizer_names_the_command(monkeypatch):
    monkeypatch.delenv("TOKCOST_TOKENIZERS_DIR", raising=False)
    with pytest.raises(TokenizerUnavailable) as err:
        resolve(load_catalog()["kanana-2"])
    assert "tokcost tokenizers pull kanana-2" in str(err.value)
    assert "\n" not in str(err.value)


def _bundled_available() -> bool:
    from importlib import metadata

    try:
        metadata.distribution("litellm")
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.skipif(not _bundled_available(), reason="the [offline] extra (litellm) is absent")
def test_fresh_machine_lists_openai_encodings_from_wheels(tmp_path):
    """No mirror, no cache, no environment variable: o200k/cl100k still resolve, from wheels."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TOKCOST_", "TIKTOKEN_", "HF_"))}
    env["HOME"] = str(tmp_path)
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    env["TMPDIR"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "tokcost", "tokenizers", "list", "--available", "--format", "json"],
        env=env, capture_output=True, text=True, check=True,
    )
    rows = {r["id"]: r for r in json.loads(out.stdout)["rows"]}
    for tid in ("o200k_base", "cl100k_base"):
        assert rows[tid]["available"] is True
        assert rows[tid]["source"] == "bundled"
        assert rows[tid]["sha256"] == load_catalog()[tid].sha256
    # and the counts from the bundled copy are the real ones
    out = subprocess.run(
        [sys.executable, "-m", "tokcost", "count", "-t", "cl100k_base", "--format", "json",
         "안녕하세요"], env=env, capture_output=True, text=True, check=True,
    )
    assert json.loads(out.stdout)["rows"][0]["tokens"] == 5
