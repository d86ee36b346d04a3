"""The fast exact counter (fastokens) gives the reference library's ids on every mirror file it
is used for: FLORES-200, the shipped corpora and adversarial text, text by text."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tokcost.tokenizers import load_tokenizer
from tokcost.tokenizers.fast_counter import FastBPE, probe_equal

pytest.importorskip("fastokens")

REPO = Path(__file__).resolve().parents[1]


def _texts_module():
    spec = importlib.util.spec_from_file_location("_tokcost_counters", REPO / "benchmarks" / "counters.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def texts() -> list[str]:
    from tests.conftest import FLORES, need_shared

    need_shared(FLORES)
    mod = _texts_module()
    return [*mod.flores(), *mod.shipped(), *mod.adversarial()]


TIKTOKEN = ["o200k_base", "cl100k_base"]
HF = ["ax-4.0", "exaone-4.0", "qwen3", "deepseek-v3", "gemma-3", "llama-3"]


@pytest.mark.shared
@pytest.mark.parametrize("tid", TIKTOKEN)
def test_tiktoken_encodings_equal(mirror, texts, tid):
    tok = load_tokenizer(tid)
    fast = tok.fast(wait=True)
    assert fast is not None and tok.counter.startswith("fastokens"), tok.counter
    want = [tok._enc.encode_ordinary(t) for t in texts]
    got = fast.encode_batch(texts)
    bad = [t for t, a, b in zip(texts, want, got, strict=True) if a != b]
    assert not bad, f"{len(bad)} texts differ, first {bad[0][:80]!r}"
    lens, _ = tok.encode_flat(texts)
    assert lens == [len(w) for w in want]
    # OpenAI encoders add no token to a text (tokenizers/specials.py)
    assert tok.count(texts, add_special_tokens=True) == [len(w) for w in want]


@pytest.mark.shared
@pytest.mark.parametrize("tid", HF)
def test_hf_files_equal(mirror, texts, tid):
    tok = load_tokenizer(tid)
    if tok.backend != "hf":
        pytest.skip(f"{tid} is not counted from tokenizer.json here")
    fast = tok.fast(wait=True)
    assert fast is not None and tok.counter.startswith("fastokens"), tok.counter
    ref = tok._tok
    # the file's added tokens, alone and inside text: tokenizers matches them in text
    added = [t.content for t in ref.get_added_tokens_decoder().values()][:300]
    sample = [*texts, *added, " ".join(added[:50]), f"a{''.join(added[:10])}b"]
    want = [e.ids for e in ref.encode_batch(sample, add_special_tokens=False)]
    got = fast.encode_batch(sample)
    bad = [t for t, a, b in zip(sample, want, got, strict=True) if a != b]
    assert not bad, f"{len(bad)} texts differ, first {bad[0][:80]!r}"
    # with special tokens added, the tokenizer's own configuration decides what is added
    # (tokenizers/specials.py: e.g. Llama 3's BOS): the same tokens before every text
    plain = [len(ids) for ids in want[:50]]
    extra = tok.count([""], add_special_tokens=True)[0]
    assert tok.count(sample[:50], add_special_tokens=True) == [n + extra for n in plain]


@pytest.mark.shared
def test_probe_rejects_a_counter_that_differs(mirror):
    """A fast counter that disagrees with the reference is not used: here cl100k's ids
    checked against o200k's reference."""
    o200k = load_tokenizer("o200k_base")
    other = FastBPE.from_tiktoken(str(mirror / "tiktoken" / "cl100k_base.tiktoken"), "cl100k_base")
    assert not probe_equal(other, lambda ts: [o200k._enc.encode_ordinary(t) for t in ts])
    assert probe_equal(o200k.fast(wait=True), lambda ts: [o200k._enc.encode_ordinary(t) for t in ts])


@pytest.mark.shared
def test_reference_only_when_asked(mirror, monkeypatch):
    monkeypatch.setenv("TOKCOST_COUNTER", "reference")
    from tokcost.tokenizers import _load_cached

    _load_cached.cache_clear()
    tok = load_tokenizer("o200k_base")
    assert tok.fast(wait=True) is None and tok.counter.startswith("tiktoken")
    assert tok.count(["안녕하세요"]) == [len(tok._enc.encode_ordinary("안녕하세요"))]


@pytest.mark.shared
def test_small_inputs_never_load_it(mirror):
    """By default the fast counter starts loading only once a tokenizer has been asked for a
    chunk's worth of texts; a few texts are counted by the reference, and the counter says so."""
    from tokcost.tokenizers import resolve_spec
    from tokcost.tokenizers.tiktoken_backend import TiktokenTokenizer

    tok = TiktokenTokenizer(resolve_spec("o200k_base"))  # fresh: no earlier test warmed it
    assert tok.count(["안녕하세요", "hello"]) == [len(tok._enc.encode_ordinary(t))
                                               for t in ("안녕하세요", "hello")]
    assert tok._warm._thread is None
    # the signature names the same counter whatever the input's size or the engine
    assert tok.counter.startswith("fastokens ") and tok.counter.endswith(" + tiktoken " +
                                                                       tok.counter.split()[-1])


@pytest.mark.shared
def test_signature_records_the_counter(mirror, monkeypatch):
    from tokcost.measurement import run_measure

    monkeypatch.setenv("TOKCOST_COUNTER", "fastokens")  # wait for it: every text counted by it
    rows = run_measure(["samples"], ["o200k_base", "p50k_base"], use_cache=False).rows
    by = {r["tokenizer"]: r for r in rows}
    assert by["o200k_base"]["signature"]["counter"].startswith("fastokens ")
    assert by["p50k_base"]["signature"]["counter"].startswith("tiktoken ")
    assert "|counter:fastokens-" in by["o200k_base"]["signature_string"]


@pytest.mark.shared
def test_only_bulk_counting_starts_it(mirror):
    """The diagnostics' calls (``count``) never start the load, however many texts; the
    measuring engine's bulk calls (``encode_flat``) start it past WARM_AFTER_TEXTS; the shipped
    samples (2,200 texts) stay below it, so measuring them never loads a second copy."""
    from tokcost.measurement import run_measure
    from tokcost.tokenizers import resolve_spec
    from tokcost.tokenizers.fast_counter import WARM_AFTER_TEXTS
    from tokcost.tokenizers.tiktoken_backend import TiktokenTokenizer

    fresh = TiktokenTokenizer(resolve_spec("o200k_base"))
    rows = run_measure(["samples"], [fresh], use_cache=False).rows
    assert rows[0]["pairs"] * 2 < WARM_AFTER_TEXTS
    assert fresh._warm._thread is None
    texts = ["안녕하세요"] * (WARM_AFTER_TEXTS + 1)
    assert fresh.count(texts) == [2] * len(texts)
    assert fresh._warm._thread is None
    fresh.encode_flat(texts)
    assert fresh._warm._thread is not None
    assert fresh.fast(wait=True) is not None
    assert fresh.count(["안녕하세요"]) == [2]  # used once loaded
