"""Korean diagnostics on the real tokenizer files of the mirror (no mocks)."""

from __future__ import annotations

import itertools
import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokcost.diagnostics import (
    CLASSES,
    align,
    code_spans,
    compare_profiles,
    eojeol_profile,
    explain,
    group_tokens,
    hangul_coverage,
    hangul_syllables,
    inspect_text,
    ksx1001_syllables,
    normalization_audit,
    render_plain,
    render_rich,
    script_breakdown,
    syllable_token_counts,
)
from tokcost.diagnostics.breakdown import char_classes
from tokcost.tokenizers import load_tokenizer

MIRRORED = [
    "o200k_base", "cl100k_base", "p50k_base", "r50k_base", "exaone-4.0", "ax-4.0", "llama-3",
    "qwen3", "deepseek-v3", "gemma-3", "mistral-tekken", "mistral-spm-v3",
]
KOREAN = "대한민국의 인공지능 주권을 위한 독자 AI 파운데이션 모델 프로젝트가 2단계에 진입했다."
MIXED = (
    "배포 전에 `git rebase -i HEAD~3`로 커밋을 정리하고, useEffect 의존성 배열을 확인해 주세요.\n"
    "```python\ndef greet(name: str) -> str:\n    return f\"안녕하세요, {name}님!\"  # 인사\n```\n"
    "뷁! 2025-07-15 배포는  연기합니다 🙏🏽\t끝"
)
TEXTS = [KOREAN, MIXED, unicodedata.normalize("NFD", KOREAN), "뷁", " 앞 공백  ", ""]


# --- Hangul sets --------------------------------------------------------------------------


def test_ksx1001_has_2350_common_syllables():
    ks = ksx1001_syllables()
    assert len(ks) == len(set(ks)) == 2350
    assert set(ks) <= set(hangul_syllables())
    assert len(hangul_syllables()) == 11172
    assert ks[0] == "가" and ks[-1] == "힝"
    assert "뷁" not in ks and "똠" not in ks  # the classic syllables KS X 1001 lacks
    assert "한" in ks and "글" in ks


# --- alignment and inspect ----------------------------------------------------------------


@pytest.mark.parametrize("tid", MIRRORED)
def test_alignment_and_breakdown_are_exact(mirror, tid):
    """Token groups tile the tokenizer's view once, in order; the script breakdown adds up to
    the token count exactly. One test per tokenizer so that each file is loaded once."""
    tok = load_tokenizer(tid)
    for text in TEXTS:
        al = align(tok, text)
        groups = group_tokens(al)
        assert sum(g.count for g in groups) == len(al) == len(tok.encode(text))
        assert "".join(g.text for g in groups if not g.special) == al.view
        # the view is the input, apart from a leading dummy-prefix space or NFC
        assert unicodedata.normalize("NFC", al.view).lstrip(" ") == unicodedata.normalize(
            "NFC", text).lstrip(" ")
        b = script_breakdown(tok, text)
        assert b.total == len(al)
        assert sum(b.tokens.values()) == b.total
        assert set(b.tokens) == set(CLASSES)
        assert sum(b.chars.values()) == len(text)
    b = script_breakdown(tok, MIXED)
    assert b.tokens["code"] > 0 and b.tokens["hangul"] > 0 and b.tokens["digit"] > 0


def test_byte_fallback_group_for_a_rare_syllable(mirror):
    [insp] = inspect_text("뷁", [load_tokenizer("mistral-spm-v3")])
    fallback = [g for g in insp.groups if g.byte_fallback]
    assert len(fallback) == 1
    assert fallback[0].text == "뷁" and fallback[0].count == 3  # three UTF-8 byte pieces
    assert "⟦뷁⟧³" in render_plain(insp)
    doc = insp.as_dict()
    assert [p["bytes"] for p in doc["pieces"] if p["byte_fallback"]] == ["eb", "b7", "81"]
    assert doc["normalized"] is True and doc["view"] == " 뷁"  # SentencePiece's dummy prefix
    rich_text = render_rich(insp)
    marked = [rich_text.plain[s.start:s.end] for s in rich_text.spans
              if "underline" in str(s.style) and "red" in str(s.style)]
    assert marked == ["뷁"]
    # A Korean-trained vocabulary has the common syllables whole: nothing marked.
    [ax] = inspect_text("안녕하세요", [load_tokenizer("ax-4.0")])
    assert not any(g.byte_fallback for g in ax.groups)
    assert "⟦" not in render_plain(ax)


def test_partial_byte_level_tokens_group_with_their_character(mirror):
    """o200k cuts ' 뷁' into ' \\xeb' + '\\xb7' + '\\x81': one group, space included."""
    [insp] = inspect_text(" 뷁다", [load_tokenizer("o200k_base")])
    first = insp.groups[0]
    assert (first.text, first.count, first.byte_fallback) == (" 뷁", 3, True)
    assert insp.groups[1].text == "다" and not insp.groups[1].byte_fallback


# --- coverage -----------------------------------------------------------------------------


def test_coverage_korean_trained_vs_gpt2(mirror):
    cov = {t: hangul_coverage(load_tokenizer(t)) for t in ("ax-4.0", "exaone-4.0", "r50k_base")}
    assert cov["r50k_base"].ksx1001_single_token == 0
    assert cov["r50k_base"].single_token == 0
    assert cov["r50k_base"].mean_tokens_per_syllable > 2.9  # ~3 UTF-8 bytes each
    for t in ("ax-4.0", "exaone-4.0"):
        assert cov[t].ksx1001_share > 0.5
        assert cov[t].ksx1001_share > cov[t].single_token_share  # common syllables first
        assert cov[t].mean_tokens_per_syllable < cov["r50k_base"].mean_tokens_per_syllable
        assert sum(cov[t].distribution.values()) == 11172


def test_dummy_prefix_is_not_counted_as_a_syllable_token(mirror):
    spm = load_tokenizer("mistral-spm-v3")
    assert len(spm.encode("가")) == 2  # '▁' + '가'
    assert syllable_token_counts(spm, ["가", "뷁"]) == [1, 3]


def test_frequency_weighted_coverage(mirror):
    ax = load_tokenizer("ax-4.0")
    assert syllable_token_counts(ax, ["가", "뷁"]) == [1, 3]
    decomposed = unicodedata.normalize("NFD", "가")  # counted after NFC
    cov = hangul_coverage(ax, f"가가 {decomposed} 뷁 abc", source="t")
    assert cov.text is not None
    assert (cov.text.occurrences, cov.text.distinct) == (4, 2)
    assert cov.text.single_token_share == pytest.approx(3 / 4)
    assert cov.text.mean_tokens_per_syllable == pytest.approx((3 * 1 + 3) / 4)
    assert cov.text.top_uncovered == (("뷁", 1, 3),)
    row = cov.as_dict()
    assert row["text_single_token_share"] == 0.75
    assert hangul_coverage(load_tokenizer("r50k_base"), "가가").text.single_token_share == 0


# --- normalisation ------------------------------------------------------------------------


def test_nfd_inflates_o200k_but_not_qwen(mirror):
    toks = [load_tokenizer("o200k_base"), load_tokenizer("qwen3")]
    rows = {r.tokenizer: r for r in normalization_audit(KOREAN, toks)}
    o200k, qwen = rows["o200k_base"], rows["qwen3"]
    assert o200k.input_form == "NFC"
    assert o200k.tokens_input == o200k.tokens_nfc == toks[0].count([KOREAN])[0]
    assert o200k.tokens_nfd > 2 * o200k.tokens_nfc
    assert o200k.nfd_over_nfc == o200k.tokens_nfd / o200k.tokens_nfc
    assert qwen.tokens_nfd == qwen.tokens_nfc  # Qwen's tokenizer.json normalises to NFC
    [nfd_row] = normalization_audit(unicodedata.normalize("NFD", KOREAN), toks[:1])
    assert nfd_row.input_form == "other" and nfd_row.tokens_input == o200k.tokens_nfd


# --- script breakdown ---------------------------------------------------------------------


def test_code_spans():
    text = "a `b c` d\n```py\nx = '`'\n```\ne ``f`g`` h ` lone"
    got = [text[a:b] for a, b in code_spans(text)]
    assert got == ["`b c`", "```py\nx = '`'\n```", "``f`g``"]
    unclosed = "x\n```\nopen fence"
    assert [unclosed[a:b] for a, b in code_spans(unclosed)] == ["```\nopen fence"]
    assert code_spans("no code here") == []


def test_char_classes():
    assert char_classes("한ᄒ가 a1.é🎉") == [
        "hangul", "hangul", "hangul", "space", "latin", "digit", "punct", "latin", "other"]
    assert char_classes("e\u0301") == ["latin", "latin"]  # combining mark joins its base


def test_byte_fallback_pieces_belong_to_their_character(mirror):
    b = script_breakdown(load_tokenizer("mistral-spm-v3"), "뷁")
    assert b.tokens["hangul"] == 3 and b.tokens["space"] == 1  # 3 byte pieces + dummy '▁'
    o200k = load_tokenizer("o200k_base")
    b = script_breakdown(o200k, "`뷁` 뷁")
    assert b.tokens["code"] >= 3 and b.tokens["hangul"] >= 2
    # ' \xeb' touches a space and 뷁 (a tie): the leading space goes with the word
    b = script_breakdown(o200k, "가 뷁")
    assert b.total == 4 and b.tokens["hangul"] == 4 and b.tokens["space"] == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([*"가뷁a1 .`\n\t🎉", "```", "\u1100"]), max_size=30).map("".join))
def test_breakdown_property(text):
    """Any mix of scripts and backticks: classes add up, code spans stay inside the text."""
    from tests.conftest import MIRROR, need_shared

    need_shared(MIRROR)
    spans = code_spans(text)
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))
    assert all(text[a:b].lstrip(" \t").startswith("`") for a, b in spans)
    assert len(char_classes(text)) == len(text)
    for tid in ("o200k_base", "mistral-spm-v3"):
        b = script_breakdown(load_tokenizer(tid), text)
        assert sum(b.tokens.values()) == b.total


# --- explain ------------------------------------------------------------------------------


def _flores_lines(n: int = 120) -> list[str]:
    from tests.conftest import FLORES, need_shared

    path = need_shared(FLORES) / "dev" / "kor_Hang.dev"
    return path.read_text(encoding="utf-8").splitlines()[:n]


def test_explain_savings_add_up(mirror):
    lines = _flores_lines()
    ax, o200k = load_tokenizer("ax-4.0"), load_tokenizer("o200k_base")
    p_ax, p_o = eojeol_profile(ax, lines), eojeol_profile(o200k, lines)
    for p, tok in ((p_ax, ax), (p_o, o200k)):
        assert p.total_tokens == sum(tok.count(lines))
        assert p.eojeol_tokens + p.other_tokens == p.total_tokens
        assert p.eojeol_occurrences == sum(len(ln.split()) for ln in lines)
        assert sum(c.tokens for c in p.costs) == p.eojeol_tokens
    cmp = compare_profiles(p_ax, p_o)
    assert cmp.total_saved == sum(s.saved for s in cmp.savings)
    assert cmp.total_saved == p_o.eojeol_tokens - p_ax.eojeol_tokens
    assert cmp.total_saved > 0  # A.X 4.0's vocabulary is cheaper for Korean than o200k's
    best = cmp.top_savings(5)
    assert best == sorted(best, key=lambda s: -s.saved) and best[0].saved > 0
    assert all(s.saved < 0 for s in cmp.top_losses(5))
    top = p_o.top(3)
    assert top[0].tokens_per_occurrence >= top[-1].tokens_per_occurrence
    assert p_o.top(3, "total")[0].tokens == max(c.tokens for c in p_o.costs)


def test_explain_split_marks_byte_fallback(mirror):
    o200k = load_tokenizer("o200k_base")
    p = eojeol_profile(o200k, ["뷁다 가"])
    by = {c.eojeol: c for c in p.costs}
    assert by["뷁다"].split == "⟦뷁⟧|다"  # two byte pieces make 뷁, then 다
    assert by["뷁다"].tokens == len(o200k.encode("뷁다")) == 3
    assert by["가"].split == "▁가"
    assert p.continued == 1 and p.fertility == pytest.approx(4 / 2)


def test_explain_document(mirror):
    doc = explain(_flores_lines(20), [load_tokenizer("exaone-4.0")],
                  load_tokenizer("o200k_base"), top=3)
    [row] = doc["tokenizers"]
    assert len(row["top"]) == 3 and row["continued_share"] is not None
    [cmp] = doc["comparisons"]
    assert cmp["against"] == "o200k_base"
    assert cmp["saved"] == cmp["eojeol_tokens_against"] - cmp["eojeol_tokens"]
    json.dumps(doc, ensure_ascii=False)


# --- CLI ----------------------------------------------------------------------------------


def _run(args: list[str]):
    from typer.testing import CliRunner

    from tokcost.cli.app import app

    return CliRunner().invoke(app, args)


def test_cli_inspect_json_and_plain(mirror):
    res = _run(["inspect", "뷁 가", "-t", "mistral-spm-v3", "-t", "ax-4.0", "-f", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["schema"] == "tokcost/inspect/1"
    spm = doc["rows"][0]
    assert spm["tokenizer"] == "mistral-spm-v3" and spm["byte_fallback_tokens"] == 3
    assert {"id", "text", "bytes", "byte_fallback"} <= set(spm["pieces"][0])
    res = _run(["inspect", "뷁 가", "-t", "mistral-spm-v3", "--plain"])
    assert res.exit_code == 0 and "⟦뷁⟧³" in res.stdout


@pytest.mark.parametrize("cmd", [
    ["coverage", "-t", "r50k_base"],
    ["normalization", KOREAN, "-t", "o200k_base"],
    ["breakdown", MIXED, "-t", "o200k_base"],
])
def test_cli_commands_json(mirror, cmd):
    res = _run([*cmd, "-f", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["schema"] == f"tokcost/{cmd[0]}/1" and len(doc["rows"]) == 1


def test_cli_explain_and_corpus_file(mirror, tmp_path):
    f = tmp_path / "ko.txt"
    f.write_text("\n".join(_flores_lines(10)) + "\n", encoding="utf-8")
    res = _run(["explain", "--file", str(f), "-t", "ax-4.0", "--against", "o200k_base",
                "-n", "3", "-f", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["schema"] == "tokcost/explain/1" and doc["comparisons"][0]["saved"] > 0
    res = _run(["coverage", "-t", "ax-4.0", "--corpus", str(f), "-f", "csv"])
    assert res.exit_code == 0 and "text_single_token_share" in res.stdout.splitlines()[0]


def test_cli_errors_are_one_line(mirror, tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "cp949.txt"
    bad.write_bytes("한글".encode("cp949"))
    for args in (["coverage", "-t", "ax-4.0", "--corpus", str(tmp_path / "missing.txt")],
                 ["explain", "가"],
                 ["breakdown", "--file", str(bad), "-t", "o200k_base"]):
        proc = subprocess.run([sys.executable, "-m", "tokcost", *args], capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("tokcost: error:")
        assert "Traceback" not in proc.stderr


# --- fertility, continued words, morphemes ------------------------------------------------


def _need_kiwi():
    """The morph extra is in the test extra, so CI has it; elsewhere skip without it."""
    import importlib.util
    import os

    if importlib.util.find_spec("kiwipiepy") is None:
        if os.environ.get("TOKCOST_REQUIRE_SHARED") == "1":
            pytest.fail('kiwipiepy is missing: pip install ".[test]"')
        pytest.skip("kiwipiepy (the morph extra) is not installed")


@pytest.fixture
def no_kiwi(monkeypatch):
    """kiwipiepy made unimportable (``import kiwipiepy`` raises ImportError), as without the
    extra. Nothing about the tokenizers is touched."""
    import sys

    from tokcost.diagnostics import morphemes

    monkeypatch.setitem(sys.modules, "kiwipiepy", None)
    morphemes._kiwi.cache_clear()
    yield
    morphemes._kiwi.cache_clear()


def test_kiwi_morphemes_of_a_known_sentence():
    _need_kiwi()
    from tokcost.diagnostics.morphemes import analyse, analyser_name, count_morphemes

    [ms] = analyse(["나는 학교에 갔다."])
    assert [(m.form, m.tag) for m in ms] == [
        ("나", "NP"), ("는", "JX"), ("학교", "NNG"), ("에", "JKB"), ("가", "VV"), ("었", "EP"),
        ("다", "EF"), (".", "SF")]
    assert count_morphemes(["나는 학교에 갔다.", "", "학교"]) == [8, 0, 1]
    assert analyser_name().startswith("kiwipiepy 0.")


def _brute_continued(tok, texts: list[str]) -> tuple[int, int]:
    """(words, continued) by encoding every word occurrence on its own, one by one."""
    words = continued = 0
    for text in texts:
        for w in text.split():
            ids = tok.encode(w)
            n = len(ids) - (len(ids) > 1 and tok.token_bytes(ids[0]) == b" ")  # SentencePiece's ▁
            words += 1
            continued += n >= 2
    return words, continued


@pytest.mark.parametrize("tid", ["o200k_base", "exaone-4.0", "mistral-spm-v3"])
def test_continued_words_equal_brute_force(mirror, tid):
    from tokcost.diagnostics import read_corpus, word_stats

    tok = load_tokenizer(tid)
    corpus = read_corpus("samples/finance")
    assert corpus.en is not None and len(corpus.ko) == len(corpus.en) == 110
    for lang, texts in (("ko", list(corpus.ko)), ("en", list(corpus.en))):
        s = word_stats(tok, texts, lang)
        assert (s.words, s.continued) == _brute_continued(tok, texts)
        assert 0 < s.continued < s.words
        assert s.tokens == sum(len(tok.encode(t)) for t in texts)
        assert s.fertility == s.tokens / sum(len(t.split()) for t in texts)


def test_word_fertility_equals_measure(mirror):
    from tokcost.diagnostics import fertility_rows, read_corpus
    from tokcost.measurement import run_measure

    toks = [load_tokenizer("o200k_base"), load_tokenizer("ax-4.0")]
    c = read_corpus("samples", domain="law")
    rows = fertility_rows(toks, c.ko, c.en, corpus="samples", domain="law", morphemes=False)
    measured = {r["tokenizer"]: r for r in run_measure(["samples/law"], toks, use_cache=False).rows}
    for r in rows:
        d = r.as_dict()
        m = measured[r.tokenizer]
        assert d["ko_tokens"] == m["ko_tokens"] and d["en_tokens"] == m["en_tokens"]
        assert d["ko_fertility"] == round(m["ko_fertility"], 4)
        assert d["en_fertility"] == round(m["en_fertility"], 4)
        assert d["morphemes"] is None and d["tokens_per_morpheme"] is None
    # A.X 4.0 leaves more eojeol whole than o200k_base does
    assert rows[1].ko.continued_share < rows[0].ko.continued_share


def test_morpheme_fertility_korean_trained_is_lower(mirror):
    _need_kiwi()
    from tokcost.diagnostics import fertility_rows, read_corpus
    from tokcost.diagnostics.morphemes import count_morphemes

    c = read_corpus("samples")
    o200k, exaone = load_tokenizer("o200k_base"), load_tokenizer("exaone-4.0")
    rows = {r.tokenizer: r for r in fertility_rows([o200k, exaone], c.ko, c.en, morphemes=True)}
    n = sum(count_morphemes(c.ko))
    assert rows["o200k_base"].morphemes == rows["exaone-4.0"].morphemes == n
    assert n > rows["o200k_base"].ko.words  # more morphemes than eojeol
    for tid, tok in (("o200k_base", o200k), ("exaone-4.0", exaone)):
        assert rows[tid].tokens_per_morpheme == sum(tok.count(list(c.ko))) / n
    assert rows["exaone-4.0"].tokens_per_morpheme < rows["o200k_base"].tokens_per_morpheme


def test_summary_rows(mirror):
    from tokcost.diagnostics import hangul_coverage, summary
    from tokcost.diagnostics.overview import FIELDS

    rows = summary(["o200k_base", load_tokenizer("ax-4.0")], "samples/news", morphemes=False)
    assert [r["tokenizer"] for r in rows] == ["o200k_base", "ax-4.0"]
    for r in rows:
        assert tuple(r) == FIELDS
        assert r["corpus"] == "samples/news" and r["domain"] == "news" and r["units"] == 110
        cov = hangul_coverage(load_tokenizer(r["tokenizer"]))
        assert r["hangul_single_token_share"] == round(cov.single_token_share, 4)
        assert r["ksx1001_single_token_share"] == round(cov.ksx1001_share, 4)
        assert r["morphemes"] is None and r["tokens_per_morpheme"] is None
        assert 0 < r["ko_continued_share"] <= 1 and 0 < r["en_continued_share"] <= 1
    assert rows[1]["korean_trained"] and not rows[0]["korean_trained"]
    assert rows[1]["ksx1001_single_token_share"] > rows[0]["ksx1001_single_token_share"]
    json.dumps(rows)


def test_summary_without_the_extra_has_no_morphemes(mirror, no_kiwi):
    from tokcost.diagnostics import summary
    from tokcost.diagnostics.morphemes import MorphAnalyserMissing, count_morphemes

    [row] = summary(["o200k_base"], "requests")
    assert row["corpus"] == "requests" and row["units"] > 12  # every message of 12 requests
    assert row["morphemes"] is None and row["morph_analyser"] is None
    assert row["ko_fertility"] > row["en_fertility"]
    with pytest.raises(MorphAnalyserMissing, match=r'pip install "tokcost\[morph\]"'):
        count_morphemes(["학교"])


def test_cli_fertility_without_the_extra(mirror, no_kiwi):
    res = _run(["fertility", "-t", "o200k_base"])
    assert res.exit_code == 2
    err = res.stderr
    assert err.count("\n") == 1 and err.startswith("tokcost: error:")
    assert 'pip install "tokcost[morph]"' in err and "Traceback" not in err
    res = _run(["fertility", "-t", "o200k_base", "--no-morphemes", "-c", "samples/law",
                "-f", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["rows"][0]["morphemes"] is None and doc["domain"] == "law"


def test_cli_fertility_formats(mirror, tmp_path):
    _need_kiwi()
    res = _run(["fertility", "-t", "o200k_base", "-t", "exaone-4.0", "--domain", "medical",
                "-f", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["schema"] == "tokcost/fertility/1" and doc["units"] == 110
    by = {r["tokenizer"]: r for r in doc["rows"]}
    assert by["exaone-4.0"]["tokens_per_morpheme"] < by["o200k_base"]["tokens_per_morpheme"]
    assert doc["morph_analyser"].startswith("kiwipiepy")
    out = tmp_path / "f.md"
    res = _run(["fertility", "-t", "o200k_base", "-c", "requests", "-f", "markdown", "-o",
                str(out)])
    assert res.exit_code == 0, res.output
    assert "| tok/morpheme |" in out.read_text(encoding="utf-8")
    res = _run(["fertility", "-t", "o200k_base", "-c", "requests", "-f", "csv", "-o", str(out)])
    assert res.exit_code == 2 and "exists" in res.stderr
    res = _run(["fertility", "-t", "o200k_base", "-c", "samples/law", "-f", "csv"])
    assert res.exit_code == 0
    head = res.stdout.splitlines()[0].split(",")
    assert {"ko_continued_share", "en_fertility", "tokens_per_morpheme"} <= set(head)


@pytest.mark.parametrize("spec", ["samples", "samples/law", "requests", "FLORES_FILE"])
def test_cli_corpus_names_accepted(mirror, spec):
    from tests.conftest import FLORES, need_shared

    if spec == "FLORES_FILE":
        spec = str(need_shared(FLORES) / "dev" / "kor_Hang.dev")
    cmds = [["coverage", "-t", "ax-4.0", "--corpus", spec, "-f", "json"],
            ["fertility", "-t", "ax-4.0", "--corpus", spec, "--no-morphemes", "-f", "json"]]
    if spec in ("samples/law", "requests"):  # explain aligns every unit: the small ones
        cmds.append(["explain", "-t", "ax-4.0", "--corpus", spec, "-n", "1", "-f", "json"])
    for cmd in cmds:
        res = _run(cmd)
        assert res.exit_code == 0, (cmd, res.output)
        doc = json.loads(res.stdout)
        assert doc["rows"], cmd
        if cmd[0] != "explain":
            assert doc["corpus"] == spec
        else:
            assert doc["input"] == spec
    res = _run(["coverage", "-t", "ax-4.0", "--domain", "law", "-f", "json"])
    doc = json.loads(res.stdout)
    assert res.exit_code == 0 and doc["corpus"] == "samples" and doc["domain"] == "law"
    assert doc["rows"][0]["text_syllables"] > 0


def test_read_corpus_units(mirror):
    from tokcost.corpora import requests_file
    from tokcost.corpora.requests import load_requests
    from tokcost.diagnostics import read_corpus

    reqs = load_requests(requests_file())
    c = read_corpus("requests")
    assert len(c) == sum(len(r.ko) for r in reqs) and c.en is not None
    assert c.ko[0] == reqs[0].ko[0].content
    law = read_corpus("samples", domain="law")
    assert read_corpus("samples/law").ko == law.ko and law.domain == "law" and len(law) == 110
    assert len(read_corpus("samples")) == 1100
