"""Tokenizer identity: llama.cpp's check hash, sha256 and git blob ids on the mirror, and tampered
copies that must fail (tokcost.tokenizers.verify, resolver identity, --strict)."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from conftest import digit_split_ax
from tokcost.cli.app import app
from tokcost.tokenizers import load_tokenizer
from tokcost.tokenizers.catalog import get_entry
from tokcost.tokenizers.verify import CHKTXT, CHKTXT_SHA256, chktxt_sha256, git_blob_id, llamacpp_hash, verify

pytestmark = pytest.mark.shared

AX = "skt/A.X-4.0-Light/tokenizer.json"
DATE_TEXT = "2025년 7월 15일 매출 1234567원"


def test_chktxt_is_llamacpp_text():
    assert chktxt_sha256() == CHKTXT_SHA256
    assert "\U0001f636\u200d\U0001f32b\ufe0f" in CHKTXT and "```````\"\"\"\"......" in CHKTXT


@pytest.mark.parametrize("tid,rel", [
    ("exaone-4.0", "LGAI-EXAONE/EXAONE-4.0-1.2B/tokenizer.json"),
    ("ax-4.0", AX),
    ("qwen3", "Qwen/Qwen3-1.7B/tokenizer.json"),
    ("llama-3", "meta-llama/Meta-Llama-3-8B/tokenizer.json"),
    ("deepseek-v3", "deepseek-ai/DeepSeek-V3/tokenizer.json"),
])
def test_mirror_reproduces_llamacpp_hash(mirror, tid, rel):
    entry = get_entry(tid)
    assert llamacpp_hash(mirror / rel, entry.llamacpp_bos) == entry.llamacpp_hash
    result = verify(tid)
    assert result.identity == "verified", result.reason
    assert any(c.kind == "llama.cpp" and c.passed for c in result.checks)


def test_git_blob_ids_match(mirror):
    assert git_blob_id(mirror / AX) == get_entry("ax-4.0").git_blob[0]
    exa = mirror / "LGAI-EXAONE/EXAONE-4.0-1.2B/tokenizer.json"
    assert git_blob_id(exa) == get_entry("exaone-4.0").git_blob[0]


@pytest.mark.parametrize("tid", ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"])
def test_tiktoken_files_by_sha256(tid):
    r = verify(tid)
    assert r.identity == "verified" and r.method == "sha256"


def _digit_split_copy(mirror, tmp_path):
    return digit_split_ax(mirror, tmp_path)


def test_tampered_ax_fails_every_check(mirror, tmp_path):
    bad = _digit_split_copy(mirror, tmp_path)
    r = verify(f"ax-4.0={bad}")
    assert r.identity == "unverified"
    assert {c.kind for c in r.checks} == {"sha256", "git-blob", "llama.cpp"}
    assert not any(c.passed for c in r.checks)


def test_reformatted_copy_keeps_llamacpp_identity_but_not_bytes(mirror, tmp_path):
    # same vocabulary and pre-tokenizer, other bytes: llama.cpp's check still proves it
    doc = json.loads((mirror / AX).read_text(encoding="utf-8"))
    out = tmp_path / "tokenizer.json"
    out.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    r = verify(f"ax-4.0={out}")
    assert r.identity == "verified" and r.method == "llama.cpp"
    assert [c.passed for c in r.checks if c.kind == "sha256"] == [False]


def test_unverified_copy_labelled_and_warned_once(mirror, tmp_path, capsys, monkeypatch):
    from tokcost.tokenizers import resolver

    # the memo is per process and keyed by the file's sha256: another test's identical copy
    # (test_output_audit) must not have used up this one's warning
    monkeypatch.setattr(resolver, "_WARNED", set())
    bad = _digit_split_copy(mirror, tmp_path)
    tok = load_tokenizer(f"ax-4.0={bad}")
    assert tok.count([DATE_TEXT]) == [22]  # the digit-splitting copy's wrong count …
    assert tok.resolution.identity == "unverified"
    assert tok.resolution.tokenizer_match == "presumed"  # … is never labelled exact
    good = load_tokenizer("ax-4.0")
    assert good.count([DATE_TEXT]) == [15]
    assert good.resolution.labels() == {"identity": "verified", "identity_method": "sha256",
                                        "tokenizer_match": "exact"}
    from tokcost.tokenizers.resolver import resolve

    resolve(get_entry("ax-4.0"), bad)  # a second resolution of the same file: no second warning
    err = capsys.readouterr().err
    assert err.count("is unverified") == 1


def test_cli_count_json_carries_identity_and_strict_refuses(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("TOKCOST_STRICT", "")  # restored after the test (the root option sets it)
    bad = _digit_split_copy(mirror, tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["count", DATE_TEXT, "-t", f"ax-4.0={bad}", "-t", "o200k_base",
                              "-f", "json"])
    assert res.exit_code == 0, res.output
    body = res.stdout[res.stdout.index("{"):]
    rows = {r["tokenizer"]: r for r in json.loads(body)["rows"]}
    assert rows["ax-4.0"]["identity"] == "unverified" and rows["ax-4.0"]["tokens"] == 22
    assert rows["o200k_base"]["identity"] == "verified"
    strict = runner.invoke(app, ["--strict", "count", DATE_TEXT, "-t", f"ax-4.0={bad}"])
    assert strict.exit_code == 2
    assert "unverified" in strict.output and "Traceback" not in strict.output


def test_wrong_tiktoken_file_is_unverified(mirror, tmp_path, capsys):
    fake = tmp_path / "o200k_base.tiktoken"
    shutil.copy(mirror / "tiktoken/cl100k_base.tiktoken", fake)
    tok = load_tokenizer(f"o200k_base={fake}")
    assert tok.resolution.identity == "unverified"
    assert "o200k_base" in capsys.readouterr().err
    assert verify(f"o200k_base={fake}").identity == "unverified"


def test_bare_path_is_identified_from_catalog(mirror):
    r = verify(str(mirror / AX))
    assert r.identity == "verified" and r.matched_entry == "ax-4.0"


def test_verify_cli_exit_codes(mirror, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(app, ["tokenizers", "verify", "exaone-4.0", "ax-4.0", "-f", "json"])
    assert ok.exit_code == 0, ok.output
    bad = _digit_split_copy(mirror, tmp_path)
    res = runner.invoke(app, ["tokenizers", "verify", f"ax-4.0={bad}"])
    assert res.exit_code == 1
    assert "unverified" in res.stdout


def test_verify_without_arguments_passes_on_every_genuine_mirror_file():
    """`tokcost tokenizers verify` on the whole mirror: every file there is verified, exit 0."""
    res = CliRunner().invoke(app, ["tokenizers", "verify", "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["tokenizer"]: r for r in json.loads(res.stdout)["rows"]}
    assert set(rows) >= {"o200k_base", "cl100k_base", "p50k_base", "r50k_base", "exaone-4.0",
                         "ax-4.0", "qwen3", "llama-3", "deepseek-v3", "gemma-3", "mistral-tekken",
                         "mistral-spm-v3"}
    assert all(r["identity"] == "verified" for r in rows.values())
    assert rows["llama-3"]["identity_method"] == "llama.cpp"  # no byte identity recorded


def _swapped_ids_copy(src, tmp_path):
    """A tampered tokenizer.json: the ids of two tokens the check text uses are swapped."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(src))
    a, b = [tok.id_to_token(i) for i in tok.encode("apple 3", add_special_tokens=False).ids[:2]]
    doc = json.loads(src.read_text(encoding="utf-8"))
    vocab = doc["model"]["vocab"]
    vocab[a], vocab[b] = vocab[b], vocab[a]
    out = tmp_path / "tokenizer.json"
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return out


@pytest.mark.parametrize("tid,rel", [
    ("exaone-4.0", "LGAI-EXAONE/EXAONE-4.0-1.2B/tokenizer.json"),
    ("ax-4.0", AX),
    ("qwen3", "Qwen/Qwen3-1.7B/tokenizer.json"),
    ("llama-3", "meta-llama/Meta-Llama-3-8B/tokenizer.json"),
])
def test_tampered_copy_fails_and_cli_exits_1(mirror, tmp_path, tid, rel):
    bad = _swapped_ids_copy(mirror / rel, tmp_path)
    r = verify(f"{tid}={bad}")
    assert r.identity == "unverified", r.reason
    assert [c.passed for c in r.checks if c.kind == "llama.cpp"] == [False]
    res = CliRunner().invoke(app, ["tokenizers", "verify", f"{tid}={bad}", "-f", "json"])
    assert res.exit_code == 1
    assert json.loads(res.stdout)["rows"][0]["identity"] == "unverified"


def test_catalog_pins_every_identity_the_reference_records(mirror):
    """Every llama.cpp check hash, sha256 and git blob id recorded in
    ../shared/reference/tokenizer-ids.md is pinned on the matching catalog entry."""
    import re

    from tokcost.tokenizers.catalog import load_catalog

    ref = (mirror.parent / "reference" / "tokenizer-ids.md").read_text(encoding="utf-8")
    by_llamacpp = {e.llamacpp: e for e in load_catalog().values() if e.llamacpp}
    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| ([0-9a-f]{64}) \|$", ref, re.M)
    assert len(rows) == 9
    for name, repo, chk in rows:
        key = name.split(" (")[0]
        entry = by_llamacpp[key]
        assert entry.llamacpp_hash == chk, key
        # the reference repo is the entry's, or (EXAONE 3.0 → 3.5) the note says it is assumed
        assert repo in entry.repos or repo in (entry.note or ""), (key, repo)
    seed = get_entry("hyperclovax-seed")
    assert "1ce80c377be4ae8a4e57758da0d6ee3dc6da3f25857d72c07a52a156d7de7fab" in seed.sha256_alt
    assert "dbfa3dd492e2d0e652d70d1a8dad4a228d3ab92e" in seed.git_blob
    assert "c8b90aeb6f12598eaf191dcf856eb8c32ef9d74a" in get_entry("midm-2.0").git_blob


def _korean_merges_dropped(src, tmp_path):
    """A tampered tokenizer.json: the merges that build the tokens of tokcost's Korean check
    text are removed (same vocabulary and pre-tokenizer; llama.cpp's check text, which holds no
    Korean, still reproduces its hash)."""
    from tokenizers import Tokenizer

    from tokcost.tokenizers.identity import KO_CHKTXT

    tok = Tokenizer.from_file(str(src))
    enc = tok.encode(KO_CHKTXT, add_special_tokens=False)
    keep = set(tok.encode(CHKTXT, add_special_tokens=False).tokens)
    used = {t for t, i in zip(enc.tokens, enc.ids, strict=True) if t not in keep
            and any("\uac00" <= c <= "\ud7a3" for c in tok.decode([i]))}
    doc = json.loads(src.read_text(encoding="utf-8"))

    def product(m):
        a, b = m.split(" ", 1) if isinstance(m, str) else m
        return a + b

    merges = doc["model"]["merges"]
    doc["model"]["merges"] = [m for m in merges if product(m) not in used]
    assert len(doc["model"]["merges"]) < len(merges)
    out = tmp_path / "tokenizer.json"
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return out


@pytest.mark.parametrize("tid,rel", [
    ("exaone-4.0", "LGAI-EXAONE/EXAONE-4.0-1.2B/tokenizer.json"),
    ("ax-4.0", AX),
    ("qwen3", "Qwen/Qwen3-1.7B/tokenizer.json"),
    ("llama-3", "meta-llama/Meta-Llama-3-8B/tokenizer.json"),
    ("deepseek-v3", "deepseek-ai/DeepSeek-V3/tokenizer.json"),
])
def test_korean_check_catches_what_llamacpps_check_cannot(mirror, tmp_path, tid, rel):
    """The genuine file reproduces the recorded Korean check hash; a copy without the merges
    Korean needs passes llama.cpp's check (no Korean in it) but fails tokcost's, so it is
    unverified and never labelled exact, although it counts Korean very differently."""
    import hashlib

    from tokcost.tokenizers.identity import KO_CHKTXT, KO_CHKTXT_SHA256, ko_check_hash

    assert hashlib.sha256(KO_CHKTXT.encode("utf-8")).hexdigest() == KO_CHKTXT_SHA256
    entry = get_entry(tid)
    assert ko_check_hash(mirror / rel, entry.llamacpp_bos) == entry.ko_check_hash
    bad = _korean_merges_dropped(mirror / rel, tmp_path)
    r = verify(f"{tid}={bad}")
    assert r.identity == "unverified", r.reason
    checks = {c.kind: c.passed for c in r.checks}
    assert checks["llama.cpp"] is True and checks["ko-check"] is False
    tampered = load_tokenizer(f"{tid}={bad}")
    assert tampered.resolution.tokenizer_match == "presumed"
    assert tampered.count([KO_CHKTXT])[0] > load_tokenizer(tid).count([KO_CHKTXT])[0]


def test_cost_and_measure_rows_of_an_unverified_file_are_never_exact(mirror, tmp_path,
                                                                      monkeypatch):
    """A mirror whose A.X 4.0 file lost its Korean merges: skt/A.X-4.0 is costed, but labelled
    presumed / unverified in cost and measure rows; with the genuine file, exact / verified."""
    from tokcost.costing import CostOptions, Workload, cost_rows
    from tokcost.measurement import run_measure
    from tokcost.tokenizers import _load_cached

    fake = tmp_path / "mirror" / "skt" / "A.X-4.0-Light"
    fake.mkdir(parents=True)
    _korean_merges_dropped(mirror / AX, fake)
    wl = Workload("t", [DATE_TEXT], ["Sales of 1234567 won on 15 July 2025"])
    [good] = cost_rows(wl, ["skt/A.X-4.0"], CostOptions())
    assert (good["identity"], good["tokenizer_match"]) == ("verified", "exact")
    monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", str(tmp_path / "mirror"))
    _load_cached.cache_clear()
    [bad] = cost_rows(wl, ["skt/A.X-4.0"], CostOptions())
    assert (bad["identity"], bad["tokenizer_match"]) == ("unverified", "presumed")
    [row] = run_measure(["samples/news"], ["ax-4.0"]).rows
    assert (row["identity"], row["tokenizer_match"]) == ("unverified", "presumed")
