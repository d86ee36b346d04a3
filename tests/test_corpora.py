"""Corpus readers: every format, every bad input (message and exit code), property tests."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tokcost.cli.app import app
from tokcost.corpora import ReadOptions, open_corpus, shipped_domains
from tokcost.corpora.validate import validate_corpus
from tokcost.errors import CorpusError

runner = CliRunner()

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff\x85"),
    min_size=1, max_size=40,
).filter(lambda s: s.strip() and s == s.strip())


def _run(*args: str):
    return runner.invoke(app, list(args))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(text, text), min_size=1, max_size=20))
def test_jsonl_roundtrip(tmp_path_factory, pairs):
    path = tmp_path_factory.mktemp("j") / "p.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "ko": k, "en": e}, ensure_ascii=False) + "\n"
                            for i, (k, e) in enumerate(pairs)), encoding="utf-8")
    got = [(p.ko, p.en) for p in open_corpus(str(path))]
    assert got == pairs


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(text, text), min_size=1, max_size=20), st.sampled_from([",", "\t"]))
def test_delimited_roundtrip(tmp_path_factory, pairs, delim):
    import csv

    path = tmp_path_factory.mktemp("c") / ("p.csv" if delim == "," else "p.tsv")
    with path.open("w", encoding="utf-8", newline="") as fh:
        if delim == "\t":  # TSV: literal fields, no quoting (the texts hold no tab or newline)
            fh.write("id\tko\ten\n" + "".join(f"{i}\t{k}\t{e}\n" for i, (k, e) in enumerate(pairs)))
        else:
            w = csv.writer(fh, delimiter=delim)
            w.writerow(["id", "ko", "en"])
            for i, (k, e) in enumerate(pairs):
                w.writerow([i, k, e])
    got = [(p.ko, p.en) for p in open_corpus(str(path))]
    assert got == pairs


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(text, text), min_size=1, max_size=20), st.booleans(), st.booleans())
def test_aligned_roundtrip_with_bom_and_crlf(tmp_path_factory, pairs, bom, crlf):
    pairs = [(k, e) for k, e in pairs if "\r" not in k + e and "\n" not in k + e]
    if not pairs:
        return
    d = tmp_path_factory.mktemp("a")
    nl = "\r\n" if crlf else "\n"
    (d / "ko.txt").write_bytes((("\ufeff" if bom else "") + nl.join(k for k, _ in pairs) + nl).encode())
    (d / "en.txt").write_bytes((nl.join(e for _, e in pairs) + nl).encode())
    got = [(p.ko, p.en) for p in open_corpus(f"{d / 'ko.txt'},{d / 'en.txt'}")]
    assert got == pairs


def test_flores_dir(flores):
    c = open_corpus(str(flores), ReadOptions(split="all"))
    pairs = list(c)
    assert len(pairs) == 997 + 1012
    assert pairs[0].id == "dev-1" and pairs[-1].id == "devtest-1012"
    assert len(list(open_corpus(f"flores:{flores}", ReadOptions(split="devtest")))) == 1012


def test_shipped_samples_are_clean_and_large_enough():
    report = validate_corpus(open_corpus("samples"))
    assert report.ok, report.errors
    assert report.records >= 1000
    assert len(shipped_domains()) >= 10
    assert all(n >= 100 for n in report.domains.values())
    for pair in open_corpus("samples"):
        assert unicodedata.is_normalized("NFC", pair.ko)


def test_corpora_list_json():
    out = _run("corpora", "list", "--format", "json")
    assert out.exit_code == 0
    rows = json.loads(out.stdout)["rows"]
    law = next(r for r in rows if r["domain"] == "law")
    assert {"name", "domain", "pairs"} <= law.keys() and law["pairs"] >= 100


def test_validate_shipped_exit_zero():
    out = _run("corpora", "validate", "samples")
    assert out.exit_code == 0 and "OK" in out.stdout


# ------------------------------------------------------------------ bad input, one line each
def _one_error(result, *needles: str) -> str:
    err = result.stderr if hasattr(result, "stderr") else result.output
    lines = [ln for ln in err.splitlines() if ln.startswith(("error:", "tokcost: error:"))]
    assert lines, err
    for n in needles:
        assert n in lines[0], lines[0]
    assert "Traceback" not in err
    return lines[0]


def test_missing_file(tmp_path):
    r = _run("corpora", "validate", str(tmp_path / "nope.jsonl"))
    assert r.exit_code == 2
    _one_error(r, "nope.jsonl", "no such file")


def test_invalid_utf8_names_line_and_replace_goes_on(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_bytes(b'{"ko": "\xec\x95\x88", "en": "a"}\n{"ko": "\xb0\xa1", "en": "b"}\n')
    r = _run("corpora", "validate", str(p))
    assert r.exit_code == 1
    _one_error(r, "bad.jsonl:2", "invalid UTF-8", "--errors replace")
    with pytest.raises(CorpusError, match="invalid UTF-8"):
        list(open_corpus(str(p)))
    pairs = list(open_corpus(str(p), ReadOptions(errors="replace")))
    assert pairs[1].ko == "\ufffd\ufffd"


def test_aligned_length_mismatch_gives_both_counts(tmp_path):
    (tmp_path / "ko.txt").write_text("가\n나\n다\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("a\nb\n", encoding="utf-8")
    r = _run("corpora", "validate", f"{tmp_path / 'ko.txt'},{tmp_path / 'en.txt'}")
    assert r.exit_code == 1
    _one_error(r, "3 lines", "2")


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ('{"ko": "", "en": "x"}\n', ("p.jsonl:1", "empty 'ko'")),
        ('{"ko": "가", "english": "x"}\n', ("p.jsonl:1", "missing column 'en'", "--en-column")),
        ('{"id": 1, "ko": "가", "en": "a"}\n{"id": 1, "ko": "나", "en": "b"}\n',
         ("p.jsonl:2", "duplicate id '1'", "line 1")),
        ('{"ko": "가", "en": "a"\n', ("p.jsonl:1", "invalid JSON")),
        ('{"ko": "가", "en": "\u3000 \\t"}\n', ("p.jsonl:1", "empty 'en'")),
        ('{"ko": 12, "en": ""}\n', ("p.jsonl:1", "column 'ko' is not text")),
        ('{"ko": "가", "en": null}\n', ("p.jsonl:1", "column 'en' is not text")),
        ('{"en": 5}\n', ("p.jsonl:1", "missing column 'ko'", "columns here: en")),
    ],
)
def test_bad_records(tmp_path, content, needles):
    p = tmp_path / "p.jsonl"
    p.write_text(content, encoding="utf-8")
    r = _run("corpora", "validate", str(p))
    assert r.exit_code == 1
    _one_error(r, *needles)
    with pytest.raises(CorpusError):
        list(open_corpus(str(p)))


def test_csv_missing_column_and_custom_columns(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("korean,english\n가나다,abc\n", encoding="utf-8")
    r = _run("corpora", "validate", str(p))
    assert r.exit_code == 1
    _one_error(r, "p.csv:1", "missing column 'ko'")
    r = _run("corpora", "validate", str(p), "--ko-column", "korean", "--en-column", "english")
    assert r.exit_code == 0


def test_nfd_is_detected_and_normalised(tmp_path):
    p = tmp_path / "nfd.jsonl"
    ko = unicodedata.normalize("NFD", "한국어 문장")
    p.write_text(json.dumps({"ko": ko, "en": "Korean sentence"}) + "\n", encoding="utf-8")
    r = _run("corpora", "validate", str(p))
    assert r.exit_code == 0
    assert "decomposed Hangul" in r.stderr and "--normalize nfc" in r.stderr
    [pair] = list(open_corpus(str(p), ReadOptions(normalize="nfc")))
    assert pair.ko == "한국어 문장"


def test_monolingual_and_stdin(tmp_path, monkeypatch):
    p = tmp_path / "log.txt"
    p.write_text("첫 줄\n\n둘째 줄\n", encoding="utf-8")
    c = open_corpus(f"mono:{p}")
    assert c.monolingual and [x.ko for x in c] == ["첫 줄", "둘째 줄"]
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO('{"ko":"가","en":"a"}\n'.encode())))
    assert [(x.ko, x.en) for x in open_corpus("-")] == [("가", "a")]


def test_streaming_reader_does_not_load_the_file(tmp_path):
    """The reader yields the first pair before reading the rest of a large file."""
    p = tmp_path / "big.jsonl"
    line = json.dumps({"ko": "가" * 50, "en": "a" * 50}, ensure_ascii=False) + "\n"
    with p.open("w", encoding="utf-8") as fh:
        for _ in range(20000):
            fh.write(line)
    it = iter(open_corpus(str(p)))
    first = next(it)
    assert first.line == 1
    assert sum(1 for _ in it) == 19999


def test_shipped_paths_are_package_data():
    from tokcost.paths import data_dir

    assert Path(data_dir(), "corpora", "samples", "law.jsonl").is_file()


# ------------------------------------------------------------------ duplicate ids, flat memory
def _jsonl(path: Path, ids: list[object]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "ko": f"가{n}", "en": f"a{n}"}) + "\n"
                            for n, i in enumerate(ids)), encoding="utf-8")
    return path


def test_duplicate_found_at_end_of_stream_names_the_first_repeat(tmp_path):
    p = _jsonl(tmp_path / "d.jsonl", ["a", "b", "c", "b", "a", "d"])
    it = iter(open_corpus(str(p)))
    assert [x.id for x in (next(it), next(it))] == ["a", "b"]  # still streamed
    with pytest.raises(CorpusError) as exc:
        list(it)
    # the earliest second occurrence (line 4, 'b'), not the first id to repeat ('a')
    assert exc.value.render().splitlines()[0].startswith(f"{p}:4: duplicate id 'b' (first on line 2)")


def test_validate_collects_every_repeat(tmp_path):
    p = _jsonl(tmp_path / "d.jsonl", ["x", "y", "x", "z", "x", "y"])
    report = validate_corpus(open_corpus(str(p)))
    dup = [e for e in report.errors if "duplicate id" in e]
    assert [e.split(": ", 1)[0] for e in dup] == [f"{p}:3", f"{p}:5", f"{p}:6"]
    assert "'x' (first on line 1)" in dup[1] and "'y' (first on line 2)" in dup[2]
    r = _run("corpora", "validate", str(p))
    assert r.exit_code == 1
    _one_error(r, "d.jsonl:3", "duplicate id 'x'", "line 1", "ids must be unique")


def test_duplicate_of_an_implicit_id_and_in_csv(tmp_path):
    # a record without an id is known by its line number, as before
    p = tmp_path / "i.jsonl"
    p.write_text('{"id": "3", "ko": "가", "en": "a"}\n{"ko": "나", "en": "b"}\n'
                 '{"ko": "다", "en": "c"}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="duplicate id '3' \\(first on line 1\\)"):
        list(open_corpus(str(p)))
    c = tmp_path / "p.csv"
    c.write_text('id,ko,en\n1,가,a\n2,"나\n나",b\n1,다,c\n', encoding="utf-8")
    r = _run("corpora", "validate", str(c))
    assert r.exit_code == 1
    _one_error(r, "p.csv:5", "duplicate id '1'", "first on line 2")


def test_bad_records_are_not_counted_as_first_occurrences(tmp_path):
    p = tmp_path / "b.jsonl"
    p.write_text('{"id": "k", "ko": "", "en": "a"}\n{"id": "k", "ko": "가", "en": "b"}\n',
                 encoding="utf-8")
    report = validate_corpus(open_corpus(str(p)))
    assert len(report.errors) == 1 and "empty 'ko'" in report.errors[0]


def test_spilled_digests_find_repeats_across_spills(tmp_path, monkeypatch):
    """With a tiny spill threshold the digests go to disk in many rounds: a repeat whose two
    occurrences landed in different spills is still found, clean files pass, temp files go."""
    import tempfile

    import tokcost.corpora.checks as checks

    monkeypatch.setattr(checks, "SPILL_AT", 3)
    spill_root = tmp_path / "tmp"
    spill_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill_root))
    ids = [f"id{i}" for i in range(40)]
    clean = _jsonl(tmp_path / "clean.jsonl", ids)
    assert [x.id for x in open_corpus(str(clean))] == ids
    dup = _jsonl(tmp_path / "dup.jsonl", [*ids, "id1", "id39"])
    with pytest.raises(CorpusError) as exc:
        list(open_corpus(str(dup)))
    assert exc.value.render().splitlines()[0].startswith(f"{dup}:41: duplicate id 'id1' (first on line 2)")
    report = validate_corpus(open_corpus(str(dup)))
    assert sum("duplicate id" in e for e in report.errors) == 2
    assert list(spill_root.iterdir()) == []  # spill files removed


def test_digest_collision_is_not_a_duplicate(tmp_path, monkeypatch):
    """Every id gets the same digest: the re-read compares the ids themselves."""
    import tokcost.corpora.checks as checks

    monkeypatch.setattr(checks, "hash", lambda s: 7, raising=False)
    p = _jsonl(tmp_path / "c.jsonl", ["a", "b", "c"])
    assert [x.id for x in open_corpus(str(p))] == ["a", "b", "c"]
    assert validate_corpus(open_corpus(str(p))).ok
    q = _jsonl(tmp_path / "c2.jsonl", ["a", "b", "c", "b"])
    with pytest.raises(CorpusError, match="duplicate id 'b' \\(first on line 2\\)"):
        list(open_corpus(str(q)))


def test_duplicates_from_stdin_and_per_file_in_a_glob(tmp_path, monkeypatch):
    import io
    import sys

    data = '{"id": 1, "ko": "가", "en": "a"}\n{"id": 1, "ko": "나", "en": "b"}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    with pytest.raises(CorpusError, match=":2: duplicate id '1' \\(first on line 1\\)"):
        list(open_corpus("-"))
    _jsonl(tmp_path / "g1.jsonl", ["a", "b"])
    _jsonl(tmp_path / "g2.jsonl", ["a", "b"])  # ids are unique per file, as before
    assert len(list(open_corpus(str(tmp_path / "g*.jsonl")))) == 4
    _jsonl(tmp_path / "g3.jsonl", ["q", "r", "q"])
    with pytest.raises(CorpusError, match=r"g3\.jsonl:3: duplicate id 'q'"):
        list(open_corpus(str(tmp_path / "g*.jsonl")))


def test_measure_reports_a_duplicate(tmp_path, mirror):
    p = _jsonl(tmp_path / "m.jsonl", ["a", "b", "a"])
    r = _run("measure", "-c", str(p), "-t", "o200k_base", "--workers", "1", "-f", "json")
    assert r.exit_code == 2
    _one_error(r, "m.jsonl:3", "duplicate id 'a'", "first on line 1")


def test_id_check_memory_does_not_grow_with_ids(tmp_path):
    """8 bytes per record: reading 60,000 records with 120-character ids peaks at ~0.5 MB; the old
    dictionary of ids peaked at ~14 MB."""
    import tracemalloc

    import numpy  # noqa: F401  (imported at the end of the stream; not what is measured)

    p = tmp_path / "long.jsonl"
    with p.open("w", encoding="utf-8") as fh:
        for n in range(60000):
            fh.write(json.dumps({"id": f"{n:08d}-" + "x" * 111, "ko": "가", "en": "a"}) + "\n")
    corpus = open_corpus(str(p))
    tracemalloc.start()
    try:
        n = sum(1 for _ in corpus)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == 60000
    assert peak < 4 * 2**20, peak


_VALUES = st.one_of(st.none(), st.integers(), st.just(""), st.sampled_from([" ", "\u3000", "\t\n"]),
                    st.text(min_size=1, max_size=5), st.lists(st.text(max_size=2), max_size=2))


@settings(max_examples=300, deadline=None)
@given(rec=st.dictionaries(st.sampled_from(["ko", "en", "id", "domain", "x"]), _VALUES))
def test_pair_checks_match_the_rules(rec):
    """PairChecker.pair's quick path gives exactly the documented checks, in their order:
    missing ko, missing en, ko not text, ko blank, en not text, en blank."""
    from tokcost.corpora.checks import PairChecker

    def expected() -> str | None:
        for col in ("ko", "en"):
            if col not in rec:
                return f"missing column {col!r}"
        for col in ("ko", "en"):
            if not isinstance(rec[col], str):
                return f"column {col!r} is not text"
            if not rec[col].strip():
                return f"empty {col!r} text"
        return None

    want = expected()
    try:
        pair = PairChecker("p.jsonl", ("ko", "en")).pair(rec, 3)
    except CorpusError as err:
        assert want is not None and want in str(err) and "p.jsonl:3" in err.render()
    else:
        assert want is None
        assert (pair.ko, pair.en, pair.line) == (rec["ko"], rec["en"], 3)
        rid = rec.get("id")
        assert pair.id == (str(rid) if rid not in (None, "") else "3")


def test_first_non_nfc_names_the_file_it_is_in(tmp_path):
    """The NFC warning's file:line points at the file the text is in: the second file of a glob,
    or the English file of an aligned pair."""
    import unicodedata

    nfd = unicodedata.normalize("NFD", "한국어 문장입니다")
    d = tmp_path / "g"
    d.mkdir()
    (d / "a.jsonl").write_text('{"ko": "가", "en": "a"}\n', encoding="utf-8")
    (d / "b.jsonl").write_text(json.dumps({"ko": "나", "en": "b"}) + "\n"
                               + json.dumps({"ko": nfd, "en": "c"}, ensure_ascii=False) + "\n",
                               encoding="utf-8")
    corpus = open_corpus(str(d / "*.jsonl"))
    assert len(list(corpus.pairs())) == 3
    assert corpus.stats.first_non_nfc == (str(d / "b.jsonl"), 2) and corpus.stats.non_nfc == 1
    (tmp_path / "ko.txt").write_text("가\n나\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text(f"a\n{nfd}\n", encoding="utf-8")
    aligned = open_corpus(f"{tmp_path / 'ko.txt'},{tmp_path / 'en.txt'}")
    list(aligned.pairs())
    assert aligned.stats.first_non_nfc == (str(tmp_path / "en.txt"), 2)


@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_id_and_domain_columns_are_honoured_by_every_reader(tmp_path, ext):
    """ReadOptions(id_column=..., domain_column=...) named the columns for CSV/TSV only; the
    JSON Lines reader silently used "id" and "domain"."""
    path = tmp_path / f"p.{ext}"
    if ext == "jsonl":
        path.write_text('{"uid": "a1", "ko": "가", "en": "a", "topic": "law", "id": "no"}\n'
                        '{"uid": "a2", "ko": "나", "en": "b", "topic": "news"}\n', encoding="utf-8")
    else:
        path.write_text("uid,ko,en,topic\na1,가,a,law\na2,나,b,news\n", encoding="utf-8")
    opts = ReadOptions(id_column="uid", domain_column="topic")
    got = [(p.id, p.domain) for p in open_corpus(str(path), opts).pairs()]
    assert got == [("a1", "law"), ("a2", "news")]
    one = [(p.id, p.domain) for p in open_corpus(str(path), ReadOptions(
        id_column="uid", domain_column="topic", domain="news")).pairs()]
    assert one == [("a2", "news")]


def test_non_nfc_warning_names_stdin_not_its_temporary_file(tmp_path):
    """The warning's file:line named the spooled temporary file (/tmp/tokcost-stdin-….txt:1);
    errors already said <stdin>."""
    import subprocess
    import sys

    nfd = unicodedata.normalize("NFD", "한국어")
    data = json.dumps({"ko": nfd, "en": "korean"}, ensure_ascii=False) + "\n"
    proc = subprocess.run([sys.executable, "-m", "tokcost", "measure", "-c", "-", "-t",
                           "o200k_base", "--no-cache", "-f", "json"], input=data.encode(),
                          capture_output=True, timeout=120, check=False,
                          env={**__import__("os").environ, "TOKCOST_CACHE_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    (warning,) = [w for w in json.loads(proc.stdout)["warnings"] if "NFD" in w]
    assert "(first at <stdin>:1)" in warning and "tokcost-stdin" not in warning
