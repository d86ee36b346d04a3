"""Counts equal the reference libraries' counts, on the real tokenizer files."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokcost.tokenizers import load_tokenizer
from tokcost.tokenizers.catalog import load_catalog

TEXTS = {
    "korean": "대한민국의 인공지능 주권을 위한 독자 AI 파운데이션 모델 프로젝트가 2단계에 진입했다.",
    "english": "Korea's sovereign AI foundation model project has entered its second phase.",
    "mixed_code": "배포 전에 `git rebase -i HEAD~3`로 커밋을 정리하고, useEffect 의존성 배열을 "
    "확인해 주세요.\n```python\nprint(\"안녕\")  # 인사\n```",
    "emoji": "오늘 회의 완전 꿀잼이었음 ㅋㅋㅋ 🎉🔥 다음엔 치킨 먹자 🍗👍🏽",
    "numbers": "2025년 7월 15일 매출 1234567원",
    "decomposed": "\u1112\u1161\u11ab\u1100\u1173\u11af",  # 한글 in conjoining jamo (NFD)
    "specials": "literal <|endoftext|> and [BOS] stay text",
    "empty": "",
}

MIRRORED = [
    "o200k_base", "cl100k_base", "p50k_base", "r50k_base", "exaone-4.0", "ax-4.0", "llama-3",
    "qwen3", "deepseek-v3", "gemma-3", "mistral-tekken", "mistral-spm-v3",
]


def _reference_counts(tid: str, tok) -> dict[str, int]:
    """Counts from the library that defines the format, loaded independently of tokcost."""
    path = tok.resolution.path
    entry = load_catalog()[tid]
    out = {}
    if entry.backend == "hf":
        from tokenizers import Tokenizer

        ref = Tokenizer.from_file(str(path))
        for k, t in TEXTS.items():
            out[k] = len(ref.encode(t, add_special_tokens=False).ids)
    elif entry.backend == "sentencepiece":
        from mistral_common.tokens.tokenizers.sentencepiece import SentencePieceTokenizer

        ref = SentencePieceTokenizer(str(path))
        for k, t in TEXTS.items():
            out[k] = len(ref.encode(t, bos=False, eos=False))
    elif entry.backend == "tekken":
        from mistral_common.tokens.tokenizers.tekken import Tekkenizer

        ref = Tekkenizer.from_file(str(path))
        for k, t in TEXTS.items():
            out[k] = len(ref.encode(t, bos=False, eos=False))
    return out


@pytest.mark.parametrize("tid", [t for t in MIRRORED if not t.endswith("_base")])
def test_counts_equal_reference_library(mirror, tid):
    tok = load_tokenizer(tid)
    assert tok.resolution.origin == "mirror"
    ref = _reference_counts(tid, tok)
    mine = dict(zip(TEXTS, tok.count(list(TEXTS.values())), strict=True))
    assert mine == ref
    assert mine["empty"] == 0
    assert mine["korean"] > 0


@pytest.mark.parametrize("tid", ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"])
def test_tiktoken_matches_tiktoken_get_encoding(mirror, tid, tmp_path, monkeypatch):
    """tiktoken's own loader (from its cache, hash-checked) gives the same ids."""
    import tiktoken
    import tiktoken.registry

    entry = load_catalog()[tid]
    cache = tmp_path / "tt"
    cache.mkdir()
    name = hashlib.sha1(entry.url.encode()).hexdigest()
    shutil.copy(mirror / "tiktoken" / f"{tid}.tiktoken", cache / name)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    tiktoken.registry.ENCODINGS.pop(tid, None)
    ref = tiktoken.get_encoding(tid)
    tok = load_tokenizer(tid)
    for text in TEXTS.values():
        assert tok.encode(text) == ref.encode(text, disallowed_special=())


def test_mistral_tekken_ids_equal_mistral_common(mirror):
    from mistral_common.tokens.tokenizers.tekken import Tekkenizer

    tok = load_tokenizer("mistral-tekken")
    ref = Tekkenizer.from_file(str(tok.resolution.path))
    for text in TEXTS.values():
        assert tok.encode(text) == ref.encode(text, bos=False, eos=False)
        assert tok.encode(text, add_special_tokens=True) == ref.encode(text, bos=True, eos=False)


def test_published_counts(mirror):
    """Figures recorded with the mirror (PROVENANCE.md) and the A.X digit trap."""
    ko, en = TEXTS["korean"], TEXTS["english"]
    expected = {"exaone-4.0": (20, 15), "ax-4.0": (16, 14), "llama-3": (31, 14),
                "qwen3": (37, 14), "gemma-3": (27, 14)}
    for tid, pair in expected.items():
        assert tuple(load_tokenizer(tid).count([ko, en])) == pair, tid
    # transformers 5.x AutoTokenizer gives 22 here; the official tokenizer.json gives 15.
    assert load_tokenizer("ax-4.0").count([TEXTS["numbers"]]) == [15]


def test_special_tokens_policy(mirror):
    tok = load_tokenizer("mistral-spm-v3")
    [plain] = tok.count(["안녕하세요"])
    [with_bos] = tok.count(["안녕하세요"], add_special_tokens=True)
    assert with_bos == plain + 1


def test_byte_fallback_table(mirror):
    spm = load_tokenizer("mistral-spm-v3")
    pieces = spm.pieces("뷁")  # rare syllable: byte fallback in a 32k English-centric vocab
    assert any(p.byte_fallback for p in pieces)
    assert b"".join(p.raw for p in pieces if p.raw) .decode("utf-8").strip() == "뷁"
    ax = load_tokenizer("ax-4.0")
    assert not any(p.byte_fallback for p in ax.pieces("안녕하세요"))


def test_proxy_is_labelled(mirror):
    tok = load_tokenizer("gemini")
    assert tok.id == "gemini"
    assert tok.resolution.proxy_of == "gemma-3"
    assert tok.describe()["exactness"] == "proxy"
    assert tok.count([TEXTS["korean"]]) == load_tokenizer("gemma-3").count([TEXTS["korean"]])


def test_unpublished_tokenizer_is_never_counted():
    from tokcost.errors import TokenizerUnavailable

    with pytest.raises(TokenizerUnavailable, match="publishes no tokenizer"):
        load_tokenizer("claude")


def test_adhoc_specs(mirror):
    path = mirror / "skt" / "A.X-4.0-Light" / "tokenizer.json"
    by_path = load_tokenizer(str(path))
    by_dir = load_tokenizer(str(path.parent))
    by_id = load_tokenizer(f"exaone-4.0={path}")  # ID=PATH: user file wins over the mirror
    assert by_path.count([TEXTS["numbers"]]) == by_dir.count([TEXTS["numbers"]]) == [15]
    assert by_id.resolution.origin == "user"
    assert by_id.resolution.verified is False  # not EXAONE's file: flagged, still used
    tt = load_tokenizer("tiktoken:o200k_base")
    assert tt.id == "o200k_base"


HF_MIRRORED = [t for t in MIRRORED if load_catalog()[t].backend == "hf"]


@pytest.mark.parametrize("tid", HF_MIRRORED)
def test_hf_fast_batch_ids_equal_encode_batch(mirror, tid):
    """tokcost encodes with encode_batch_fast (no offsets); the ids must be encode_batch's."""
    from tokenizers import Tokenizer

    from tokcost.corpora import open_corpus

    tok = load_tokenizer(tid)
    assert tok._batch.__name__ == "encode_batch_fast"  # the fast path is what is tested
    pairs = list(open_corpus("samples").pairs())[::7]
    texts = [*TEXTS.values(), *(p.ko for p in pairs), *(p.en or "" for p in pairs)]
    ref = Tokenizer.from_file(str(tok.resolution.path))
    for special in (False, True):
        want = [e.ids for e in ref.encode_batch(texts, add_special_tokens=special)]
        if special:  # plus the BOS/EOS the tokenizer's config adds (tokenizers/specials.py)
            plan = tok.special_plan
            want = [[*plan.prefix, *w, *plan.suffix] for w in want]
        assert tok.encode_batch(texts, add_special_tokens=special) == want


@pytest.mark.parametrize("tid", ["o200k_base", "cl100k_base"])
def test_tiktoken_buffer_path_equals_encode_ordinary(mirror, tid):
    """count_full's packed path (tiktoken's uint32 buffer encoder) gives encode_ordinary's ids,
    special-token strings included, with and without --add-special-tokens (which adds nothing)."""
    import numpy as np

    tok = load_tokenizer(tid)
    texts = [*TEXTS.values(), "<|endoftext|><|endoftext|>", "<|fim_prefix|>x", "한"]
    lens, flat = tok.encode_flat(texts)
    assert isinstance(flat, bytes)  # the buffer path, not the list fallback
    want = [tok._enc.encode_ordinary(t) for t in texts]
    assert lens == [len(w) for w in want]
    assert np.frombuffer(flat, dtype=np.uint32).tolist() == [i for w in want for i in w]
    # OpenAI's encoders add no token to a text: --add-special-tokens changes nothing here
    lens, flat = tok.encode_flat(texts, add_special_tokens=True)
    assert np.frombuffer(flat, dtype=np.uint32).tolist() == [i for w in want for i in w]
    assert lens == [len(w) for w in want]


def test_tiktoken_rank_cache(mirror, tmp_path, monkeypatch):
    """The decoded rank table is kept by the file's sha256; a damaged copy is never used."""
    from tokcost.tokenizers.tiktoken_backend import TiktokenTokenizer, _ranks_path

    monkeypatch.setenv("TOKCOST_CACHE_DIR", str(tmp_path / "cache"))
    res = load_tokenizer("o200k_base").resolution
    path = _ranks_path(res)
    assert path.is_file()  # written by that first load
    path.unlink()
    first = TiktokenTokenizer(res)
    assert path.is_file()
    text = TEXTS["mixed_code"] + TEXTS["korean"]
    cached = TiktokenTokenizer(res)  # from the cache
    assert cached.encode(text) == first.encode(text)
    assert cached._enc._mergeable_ranks == first._enc._mergeable_ranks
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF  # damage one rank: the digest no longer matches
    path.write_bytes(bytes(data))
    again = TiktokenTokenizer(res)
    assert again.encode(text) == first.encode(text)
    assert path.read_bytes()[-5] != data[-5]  # rewritten from the rank file


def test_docs_list_every_seed_system_and_the_catalog_as_it_is():
    """docs/tokenizers.md: the seed-system table names every system issue #18 lists, each with
    catalog ids that exist and a 'what is impossible' cell; the generated catalog table is the
    catalog's current state (re-run the snippet after editing catalog.toml)."""
    import re
    from pathlib import Path

    from tokcost.tokenizers.catalog import load_catalog

    doc = (Path(__file__).resolve().parents[1] / "docs" / "tokenizers.md").read_text("utf-8")
    seed = doc[doc.index("## Every seed system"):doc.index("## Every catalog entry")]
    rows = [ln for ln in seed.splitlines() if ln.startswith("| ") and not ln.startswith("| system")]
    systems = " ".join(r.split(" | ")[0] for r in rows)
    for name in ("EXAONE 4.0", "K-EXAONE", "Solar Pro 2", "Solar Open", "A.X 3.1", "A.X 4.0",
                 "A.X K1", "HyperCLOVA X SEED", "HyperCLOVA X API", "Kanana", "Mi:dm 2.0", "VARCO",
                 "GPT", "Claude", "Gemini", "DeepSeek", "Qwen"):
        assert name in systems, name
    catalog = load_catalog()
    for r in rows:
        cells = [c.strip() for c in r.strip("|").split("|")]
        assert len(cells) == 5 and all(cells[:4]), r
        for tid in re.findall(r"`([^`]+)`", cells[1]):
            assert tid in catalog or tid == "…", tid
    table = doc[doc.index("| id | vendor | KR |"):doc.index("```python")].strip().splitlines()[2:]
    assert [ln.split("|")[1].strip().strip("`") for ln in table] == list(catalog)
    for ln in table:
        tid = ln.split("|")[1].strip().strip("`")
        e = catalog[tid]
        assert ("| KR |" in ln) == e.korean_trained, tid
        assert f"| {e.backend} | {e.exactness} |" in ln, tid
        if e.llamacpp_hash:
            assert f"llama.cpp `{e.llamacpp}`" in ln, tid


# --------------------------------------------------------------------------- typed catalog (#15)
_ENTRY = ('[[tokenizer]]\nid = "mine"\nname = "Mine"\nvendor = "Me"\ncountry = "KR"\n'
          'backend = "hf"\nlicence = "MIT"\nexactness = "exact"\n')
_CATALOG_BAD = {
    "backend": ['"tiktok"', "3"], "exactness": ['"maybe"'], "name": ['""', "3"],
    "korean_trained": ['"no"', "1"], "models": ["3", "[1]"], "sha256": ['"abc"', "3"],
    "sha256_alt": ['["abc"]'], "git_blob": ['["' + "g" * 40 + '"]'], "vocab_size": ["0", '"9"'],
    "api": ['"openai"'], "gated": ['"yes"'], "note": ["3"], "revision": ['""'],
    "ko_check_hash": ['"' + "A" * 64 + '"'], "bundled": ['[{ distribution = "x" }]'],
    "colour": ['"red"'],
}
_CATALOG_CASES = [(k, v) for k, vs in _CATALOG_BAD.items() for v in vs]


@settings(max_examples=40, deadline=None)
@given(case=st.sampled_from(_CATALOG_CASES), before=st.integers(0, 2))
def test_property_a_bad_catalog_field_is_one_line_at_its_entry(tmp_path_factory, case, before):
    from tokcost.errors import TokcostError

    key, value = case
    good = [_ENTRY.replace('"mine"', f'"ok{i}"') for i in range(before)]
    bad = "\n".join(ln for ln in _ENTRY.splitlines() if not ln.startswith(f"{key} =")) \
        + f"\n{key} = {value}\n"
    text = "schema = 1\n" + "".join(good) + bad
    f = tmp_path_factory.mktemp("cat") / "catalog.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(TokcostError) as exc:
        load_catalog(str(f))
    msg = str(exc.value)
    line = 2 + 8 * before
    assert text.splitlines()[line - 1] == "[[tokenizer]]"
    assert msg.startswith(f"{f}:{line}: [[tokenizer]] {before + 1} (mine)") and "\n" not in msg
    assert f" {key}" in msg.split(': ')[1] or f"{key!r}" in msg, msg
    assert exc.value.hint, msg


def test_catalog_ids_are_unique_and_proxies_resolve(tmp_path):
    from tokcost.errors import TokcostError

    f = tmp_path / "catalog.toml"
    f.write_text(_ENTRY + _ENTRY, encoding="utf-8")
    with pytest.raises(TokcostError, match=r"catalog.toml:9: \[\[tokenizer\]\] 2 \(mine\): "
                       "duplicate catalog id 'mine'"):
        load_catalog(str(f))
    f.write_text(_ENTRY.replace('"hf"', '"proxy"') + 'proxy = "nope"\n', encoding="utf-8")
    with pytest.raises(TokcostError, match="mine: proxy 'nope' is not in the catalog"):
        load_catalog(str(f))
