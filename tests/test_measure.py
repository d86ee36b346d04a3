"""Measure: ratios against hand counts, interval properties, FLORES figures, cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokcost.cli.app import app
from tokcost.corpora import ReadOptions
from tokcost.measurement import Settings, run_measure
from tokcost.metrics import bootstrap, ratio
from tokcost.tokenizers import load_tokenizer

runner = CliRunner()


def test_premium_by_hand():
    from collections import Counter

    assert ratio.premium(3 + 5 + 2, 2 + 2 + 1) == 2.0
    assert ratio.premium(7, 0) is None
    assert ratio.sentence_ratios({(3, 1): 2, (4, 0): 5, (6, 4): 1}) == Counter({3.0: 2, 1.5: 1})
    s = ratio.summary(Counter({1.0: 1, 2.0: 1, 3.0: 1, 4.0: 1}))
    assert (s["mean"], s["median"], s["p10"], s["p90"]) == pytest.approx((2.5, 2.5, 1.3, 3.7))
    assert ratio.summary(Counter())["median"] is None


def test_multiset_quantiles_equal_numpy_on_the_list():
    """One quantile implementation: on {value: count} it gives numpy's linear quantile of the
    list the multiset stands for."""
    import random
    from collections import Counter

    import numpy as np

    rng = random.Random(3)
    for _ in range(200):
        values = [rng.choice([0.5, 1.0, 1.25, 2.0, 3.0, 7.5]) for _ in range(rng.randint(1, 40))]
        s = ratio.summary(Counter(values))
        for name, q in ratio.QUANTILES:
            assert s[name] == pytest.approx(float(np.quantile(values, q)), rel=1e-12, abs=1e-12)


def test_ci_contains_estimate_and_narrows():
    import random

    rng = random.Random(1)
    ko = [rng.randint(10, 40) for _ in range(4000)]
    en = [max(1, k // 2 + rng.randint(-3, 3)) for k in ko]
    point = sum(ko) / sum(en)
    small = bootstrap.ratio_ci(ko[:100], en[:100])
    big = bootstrap.ratio_ci(ko, en)
    assert small and big
    assert small[0] <= sum(ko[:100]) / sum(en[:100]) <= small[1]
    assert big[0] <= point <= big[1]
    assert big[1] - big[0] < small[1] - small[0]
    assert bootstrap.ratio_ci(ko, en, seed=3) == bootstrap.ratio_ci(ko, en, seed=3)


def test_measure_equals_hand_counts(mirror, tmp_path):
    pairs = [("안녕하세요, 반갑습니다.", "Hello, nice to meet you."),
             ("오늘 서울의 날씨는 맑습니다.", "The weather in Seoul is clear today."),
             ("계약서 제3조를 확인해 주세요.", "Please check Article 3 of the contract.")]
    p = tmp_path / "p.jsonl"
    p.write_text("".join(json.dumps({"ko": k, "en": e}, ensure_ascii=False) + "\n"
                         for k, e in pairs), encoding="utf-8")
    tok = load_tokenizer("o200k_base")
    ko = tok.count([k for k, _ in pairs])
    en = tok.count([e for _, e in pairs])
    [row] = run_measure([str(p)], ["o200k_base"], use_cache=False).rows
    assert row["ko_tokens"] == sum(ko) and row["en_tokens"] == sum(en)
    assert row["ratio"] == pytest.approx(sum(ko) / sum(en))
    # three pairs are fewer than bootstrap.MIN_PAIRS: no interval, and the row says why
    assert row["ratio_ci_low"] is None and row["ratio_ci_high"] is None
    assert row["ratio_ci_note"].startswith("no interval: 3 pairs")
    assert row["ko_chars"] == sum(len(k) for k, _ in pairs)
    assert row["ko_fertility"] == pytest.approx(sum(ko) / sum(len(k.split()) for k, _ in pairs))
    sig = row["signature"]
    assert sig["tokenizer_sha256"] == tok.sha256 and sig["normalization"] == "none"
    assert sig["corpus_sha256"] and sig["special_tokens"] == "excluded"


def test_flores_published_figures(mirror, flores):
    """mothertoken: FLORES dev per sentence, o200k 37,589 / 25,536; cl100k 61,165 / 25,801."""
    rows = {r["tokenizer"]: r for r in run_measure([str(flores)], ["o200k_base", "cl100k_base"],
                                                    use_cache=False).rows}
    assert (rows["o200k_base"]["ko_tokens"], rows["o200k_base"]["en_tokens"]) == (37589, 25536)
    assert (rows["cl100k_base"]["ko_tokens"], rows["cl100k_base"]["en_tokens"]) == (61165, 25801)


def test_validate_command_reproduces_published(mirror, flores):
    r = runner.invoke(app, ["validate", "--flores", str(flores), "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["rows"]
    petrov = next(x for x in rows if x["method"] == "joined" and x["tokenizer"] == "cl100k_base")
    assert (petrov["tokcost_ko"], petrov["tokcost_en"]) == (125737, 52835)
    assert all(x["match"] for x in rows)


def test_korean_tokenizer_beats_english_centric(mirror):
    rows = {r["tokenizer"]: r for r in run_measure(["samples"], ["ax-4.0", "cl100k_base"]).rows}
    assert rows["ax-4.0"]["ratio"] < rows["cl100k_base"]["ratio"]
    assert rows["ax-4.0"]["ko_byte_fallback_rate"] < rows["cl100k_base"]["ko_byte_fallback_rate"]


def test_domain_rows_partition_the_total(mirror):
    rows = run_measure(["samples"], ["o200k_base"], settings=Settings(by_domain=True)).rows
    total = next(r for r in rows if r["domain"] == "all")
    parts = [r for r in rows if r["domain"] != "all"]
    assert len(parts) >= 10
    assert sum(r["ko_tokens"] for r in parts) == total["ko_tokens"]
    assert sum(r["pairs"] for r in parts) == total["pairs"]


def test_cache_hit_and_corruption(mirror, tmp_path):
    from tokcost.paths import cache_dir

    first = run_measure(["samples/law"], ["o200k_base"]).rows
    files = list((cache_dir() / "measure").rglob("*.json"))
    assert len(files) == 1
    again = run_measure(["samples/law"], ["o200k_base"]).rows
    assert again == first
    files[0].write_text(files[0].read_text()[:-20] + "garbage", encoding="utf-8")
    healed = run_measure(["samples/law"], ["o200k_base"]).rows
    assert healed == first


def test_worker_processes_give_identical_results(mirror):
    one = run_measure(["samples/software"], ["o200k_base", "ax-4.0"], use_cache=False).rows
    two = run_measure(["samples/software"], ["o200k_base", "ax-4.0"], use_cache=False,
                      workers=2).rows
    assert one == two


def test_monolingual_has_no_ratio(mirror, tmp_path):
    p = tmp_path / "logs.txt"
    p.write_text("고객 문의 내용을 요약해 주세요.\n배송이 늦어지고 있습니다.\n", encoding="utf-8")
    [row] = run_measure([f"mono:{p}"], ["o200k_base"], use_cache=False).rows
    assert row["ratio"] is None and row["en_tokens"] is None and row["ko_tokens"] > 0


def test_nfd_warning_quantifies_inflation(mirror, tmp_path):
    import unicodedata

    p = tmp_path / "nfd.jsonl"
    p.write_text(json.dumps({"ko": unicodedata.normalize("NFD", "한국어 토큰 비용"),
                             "en": "Korean token cost"}) + "\n", encoding="utf-8")
    res = run_measure([str(p)], ["o200k_base"], use_cache=False)
    assert any("NFD" in w and "more tokens" in w for w in res.warnings)


def test_measure_cli_json_schema(mirror):
    r = runner.invoke(app, ["measure", "-c", "samples/news", "-t", "o200k_base", "-f", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["schema"] == "tokcost/measure/1"
    row = doc["rows"][0]
    for key in ("tokenizer", "corpus", "pairs", "ko_tokens", "en_tokens", "ratio",
                "ratio_ci_low", "ratio_ci_high", "signature"):
        assert key in row


def test_dataframe_api(mirror):
    import tokcost

    df = tokcost.measure(["samples/news"], ["o200k_base"], dataframe=True)
    assert list(df["tokenizer"]) == ["o200k_base"]


def test_progress_has_a_total_and_reaches_it(mirror, flores, tmp_path):
    """The progress bar's total is the corpus's line count (``records_hint``): for JSONL, TSV
    and FLORES it equals the pairs measured, and the advances add up to it."""
    from tokcost.corpora import ReadOptions, open_corpus

    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text("".join(json.dumps({"ko": f"문장 {i}", "en": f"sentence {i}"}) + "\n"
                             for i in range(37)), "utf-8")
    tsv = tmp_path / "p.tsv"
    tsv.write_text("ko\ten\n" + "".join(f"문장 {i}\tsentence {i}\n" for i in range(23)), "utf-8")
    tok = load_tokenizer("o200k_base")
    for spec, pairs in ((str(jsonl), 37), (str(tsv), 23), (str(flores), 997)):
        corpus = open_corpus(spec, ReadOptions(split="dev") if spec == str(flores) else None)
        assert corpus.records_hint() == pairs, spec
        calls: list[tuple[str, int | None]] = []
        advanced: list[int] = []

        def factory(name: str, toks: str, total: int | None, calls=calls, advanced=advanced):
            calls.append((toks, total))
            return advanced.append

        result = run_measure([corpus], [tok], use_cache=False, progress_factory=factory)
        assert calls == [("o200k_base", pairs)], spec
        assert sum(advanced) == pairs == result.rows[0]["pairs"], spec



def test_characters_are_counted_as_given_unless_normalised(tmp_path):
    """docs/measure.md: ``ko_chars`` are the code points of the text as counted — as given by
    default (NFD jamo count three per syllable), NFC only with ``--normalize nfc``."""
    import unicodedata

    from tokcost.corpora import ReadOptions, open_corpus

    nfd = unicodedata.normalize("NFD", "한국어 문장")
    path = tmp_path / "nfd.jsonl"
    path.write_text(json.dumps({"ko": nfd, "en": "a sentence"}) + "\n", "utf-8")
    tok = load_tokenizer("o200k_base")
    as_given = run_measure([open_corpus(str(path))], [tok], use_cache=False).rows[0]
    nfc = run_measure([open_corpus(str(path), ReadOptions(normalize="nfc"))], [tok],
                      use_cache=False).rows[0]
    assert len(nfd) == 15
    assert as_given["ko_chars"] == 15 and nfc["ko_chars"] == 6
    assert as_given["ko_tokens"] > nfc["ko_tokens"]


def test_a_file_shared_by_two_ids_is_loaded_and_counted_once(mirror, monkeypatch):
    """gemini is counted with gemma-3's file: one load, one count, a row for each id."""
    import tokcost.measurement as m

    seen: list[list[str]] = []
    real = m.count_chunks

    def spy(toks, *args, **kwargs):
        seen.append([t.id for t in toks])
        return real(toks, *args, **kwargs)

    monkeypatch.setattr(m, "count_chunks", spy)
    rows = {r["tokenizer"]: r for r in
            run_measure(["samples/law"], ["gemma-3", "gemini", "o200k_base"], use_cache=False).rows}
    assert seen == [["gemma-3"], ["o200k_base"]]  # one pass per file (test_one_at_a_time.py)
    gem, proxy = rows["gemma-3"], rows["gemini"]
    assert proxy["tokenizer_match"] == "proxy" and gem["tokenizer_match"] == "exact"
    assert proxy["proxy_of"] == "gemma-3"
    for key in ("ko_tokens", "en_tokens", "ratio", "ratio_ci_low", "ratio_ci_high",
                "ko_byte_fallback_rate"):
        assert proxy[key] == gem[key]
    assert proxy["signature"]["tokenizer"] == "gemini"
    # the loader shares the library object too (one file in memory, not two)
    a, b = load_tokenizer("gemma-3"), load_tokenizer("gemini")
    assert a.id == "gemma-3" and b.id == "gemini"
    assert a._tok is b._tok
    assert a.count(["안녕하세요, 세계"]) == b.count(["안녕하세요, 세계"])


def test_readme_flores_figures_name_their_split(flores):
    """The README's FLORES-200 premiums are what measure gives on the split it names (the dev-only
    cl100k figure, 2.371, was once shown as if it were dev+devtest's 2.369)."""
    import re

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    m = re.search(r"on its dev split \((\d+) pairs.*?o200k_base (\d\.\d{3}), cl100k_base "
                  r"(\d\.\d{3}); on dev\+devtest \(`--split all`, ([\d,]+) pairs\)\s+(\d\.\d{3}) "
                  r"and (\d\.\d{3})", text, re.S)
    assert m, "README's FLORES sentence changed: update this test with it"
    want = {("dev", "o200k_base"): m[2], ("dev", "cl100k_base"): m[3],
            ("all", "o200k_base"): m[5], ("all", "cl100k_base"): m[6]}
    pairs = {"dev": int(m[1]), "all": int(m[4].replace(",", ""))}
    for split in ("dev", "all"):
        rows = run_measure([f"flores:{flores}"], ["o200k_base", "cl100k_base"],
                           read_options=ReadOptions(split=split), use_cache=False).rows
        for r in rows:
            assert r["pairs"] == pairs[split]
            assert f"{r['ratio']:.3f}" == want[(split, r["tokenizer"])], (split, r["tokenizer"])
