"""A report on a large corpus: diagnostics sample it in one streaming pass (flat memory), and
``--no-diagnostics`` skips them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tokcost.diagnostics.sample import KEEP_PER_DOMAIN, diagnostic_text
from tokcost.diagnostics.sources import read_corpus


def _big(path: Path, pairs: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(pairs):
            dom = ("news", "software", "medical")[i % 3]
            fh.write(json.dumps({"id": f"p{i}", "domain": dom, "ko": f"한국어 문장 {i}번입니다.",
                                 "en": f"English sentence number {i}."}, ensure_ascii=False) + "\n")
    return path


def test_small_corpus_is_diagnosed_whole() -> None:
    d = diagnostic_text("samples")
    whole = read_corpus("samples")
    assert not d.sampled and d.text.ko == whole.ko and d.text.en == whole.en
    assert d.describe()["method"] == "whole corpus"
    assert d.corpus_pairs == len(whole)


def test_large_corpus_is_sampled_uniformly_and_reproducibly(tmp_path: Path) -> None:
    path = _big(tmp_path / "big.jsonl", 12_000)
    a = diagnostic_text(str(path), limit=1000)
    b = diagnostic_text(str(path), limit=1000)
    assert a.sampled and len(a.text) == 1000 and a.corpus_pairs == 12_000
    assert a.text.ko == b.text.ko  # fixed seed: the same sample every run
    nums = [int(t.split()[2].rstrip("번입니다.")) for t in a.text.ko]
    assert nums == sorted(nums)  # kept in corpus order
    assert max(nums) > 10_000 and min(nums) < 1_000  # drawn from the whole file, not its head
    # aligned: each sampled pair keeps its English side
    assert all(k.split()[2][:-5] == e.split()[3].rstrip(".")
               for k, e in zip(a.text.ko, a.text.en or (), strict=True))
    # the boundary view's picks: the first pairs of each domain, not the corpus
    assert len(a.kept) <= 3 * KEEP_PER_DOMAIN + 16
    assert a.describe() == {"method": "uniform reservoir sample", "seed": 20, "sample_pairs": 1000,
                            "corpus_pairs": 12_000}


@pytest.mark.shared
def test_report_no_diagnostics(tmp_path: Path, mirror: Path) -> None:
    out = tmp_path / "rep"
    env = {**os.environ, "TOKCOST_TOKENIZERS_DIR": str(mirror), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "tokcost", "report", "--out", str(out), "-t",
                           "o200k_base", "-m", "gpt-4o", "--no-diagnostics", "--timings"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "results.json").read_text("utf-8"))
    assert doc["diagnostics"] == [] and doc["settings"]["diagnostics"] is None
    assert doc["boundaries"]  # the token-boundary view stays (a few sample sentences)
    assert "Korean diagnostics" not in (out / "report.html").read_text("utf-8")
