"""--workers N on a line-oriented file: every process reads its own byte ranges of the file.

The results must be what one process reading the whole file gives — every count, histogram,
quantile, interval and warning, and the first error in file order with its true file:line — on
real tokenizers from ../shared."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokcost.measurement as measurement
from tokcost.corpora import ReadOptions, open_corpus
from tokcost.corpora.base import line_spans
from tokcost.corpora.checks import stable_digests
from tokcost.corpora.jsonl import JsonlCorpus
from tokcost.errors import CorpusError
from tokcost.measurement import Settings, run_measure

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "corpora" / "samples"
TOKS = ["o200k_base", "mistral-spm-v3"]


def _records() -> list[dict]:
    return [json.loads(line) for p in sorted(SAMPLES.glob("*.jsonl"))
            for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def _unique(times: int) -> list[dict]:
    """The shipped pairs ``times`` over, ids ``r0``, ``r1``, … (line ``n`` holds ``r{n-1}``)."""
    return [{**r, "id": f"r{i}"} for i, r in enumerate(_records() * times)]


def _write(path: Path, recs: list[dict], nl: str = "\n", last_nl: bool = True) -> Path:
    body = nl.join(json.dumps(r, ensure_ascii=False) for r in recs)
    path.write_bytes((body + (nl if last_nl else "")).encode("utf-8"))
    return path


def _big(path: Path, megabytes: float, nl: str = "\n", last_nl: bool = True) -> Path:
    """The shipped pairs repeated (ids made unique) to about ``megabytes``."""
    recs = _records()
    out: list[dict] = []
    size, rep = 0, 0
    while size < megabytes * 2**20:
        for r in recs:
            out.append({**r, "id": f"{r['id']}-{rep}"})
            size += len(json.dumps(r, ensure_ascii=False).encode()) + 12
        rep += 1
    return _write(path, out, nl, last_nl)


def _spy(monkeypatch) -> list[int]:
    """Count the ranges read (in this process; pool processes read the others)."""
    seen: list[int] = []
    real = measurement._spans

    def spans(*args, **kwargs):
        got = real(*args, **kwargs)
        seen.append(len(got) if got else 0)
        return got

    monkeypatch.setattr(measurement, "_spans", spans)
    return seen


def _both(monkeypatch, spec: str, toks=TOKS, *, read_options=None, **kw):
    """(one process, two processes reading byte ranges): the results as JSON, and the number of
    ranges the second run was cut into."""
    seen = _spy(monkeypatch)
    one = run_measure([spec], toks, use_cache=False, workers=1, read_options=read_options, **kw)
    two = run_measure([spec], toks, use_cache=False, workers=2, read_options=read_options, **kw)
    return one.to_json(), two.to_json(), max(seen)


def _error(spec: str, workers: int, options: ReadOptions | None = None) -> str:
    with pytest.raises(CorpusError) as err:
        run_measure([spec], ["o200k_base"], use_cache=False, workers=workers,
                    read_options=options)
    return err.value.render()


# ---------------------------------------------------------------- the ranges themselves
def test_line_spans_cut_at_line_starts_with_true_line_numbers(tmp_path):
    data = "가나다\n".encode() * 3 + b"a\r\nb\rc\n" + "한".encode() * 5000 + b"\nlast"
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    for pieces in range(1, 12):
        spans = line_spans(path, pieces)
        assert spans[0].start == 0 and spans[-1].end == len(data)
        assert all(a.end == b.start for a, b in itertools.pairwise(spans))
        for sp in spans:
            assert sp.start == 0 or data[sp.start - 1:sp.start] == b"\n"
            # the first line of the range is the line that starts there
            before = data[:sp.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            assert sp.first_line == before.count(b"\n") + 1
    assert len(lines) == 8
    # a nominal cut inside the long multibyte line moves to the line start after it
    spans = line_spans(path, 2)
    assert [s.start for s in spans] == [0, len(data) - 4]
    assert spans[1].first_line == 8


def test_weighted_line_spans_follow_the_weights(tmp_path):
    """Weights give ranges of about those relative sizes, in order, still cut at line starts
    with true line numbers and covering the file exactly."""
    path = tmp_path / "w.jsonl"
    data = b"".join(b'{"ko": "\xea\xb0\x80", "en": "line %05d"}\n' % i for i in range(20000))
    path.write_bytes(data)
    weights = [1.0, 1.0, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125]
    spans = line_spans(path, weights)
    assert len(spans) == len(weights)
    assert spans[0].start == 0 and spans[-1].end == len(data)
    assert all(a.end == b.start for a, b in itertools.pairwise(spans))
    for sp, w in zip(spans, weights, strict=True):
        assert data[sp.start - 1:sp.start] in (b"", b"\n")
        assert sp.first_line == data[:sp.start].count(b"\n") + 1
        assert abs((sp.end - sp.start) - len(data) * w / sum(weights)) < 100  # one line
    assert line_spans(path, 4) == line_spans(path, [1.0] * 4)


def test_the_last_ranges_are_cut_finer(mirror, tmp_path):
    """The last ``workers`` ranges of the input are cut into SPAN_TAIL_SPLIT each, so no process
    idles at the end while another counts a whole range; the pairs read are the same."""
    from tokcost.measurement import SPAN_TAIL_SPLIT, _spans

    big = _big(tmp_path / "tail.jsonl", 2.5)
    pieces = _spans(open_corpus(str(big)), Settings(), 2)
    assert pieces is not None
    sizes = [p.span.end - p.span.start for p in pieces]
    tail = sizes[-2 * SPAN_TAIL_SPLIT:]
    assert max(tail) * (SPAN_TAIL_SPLIT // 2) < min(sizes[:-2 * SPAN_TAIL_SPLIT])
    whole = [(p.id, p.ko, p.en, p.line) for p in open_corpus(str(big)).pairs()]
    assert [(p.id, p.ko, p.en, p.line) for piece in pieces for p in piece.pairs()] == whole


def test_empty_file_and_empty_range(tmp_path):
    empty = tmp_path / "e.jsonl"
    empty.write_bytes(b"")
    assert line_spans(empty, 4) == [(0, 0, 1)]
    c = JsonlCorpus("e", [empty])
    assert list(c.shard_span(empty, line_spans(empty, 4)[0]).pairs()) == []


_LINES = [b'{"ko": "\xea\xb0\x80", "en": "a", "id": "i%d"}', b"", b"   ", b'{"ko": "x", "en": "y"}  ',
          b"[1, 2]", b'{"ko": "x"', b"\xb0\xa1", b'{"ko": "\xb0", "en": "z"}',
          b'\xef\xbb\xbf{"ko": "b", "en": "c"}', b'{"ko": "e\xcc\x81", "en": "nfd"}',
          b'{"ko": "a\\u2028b", "en": "\xe2\x80\xa8x\xc2\x85"}', b'{"ko": 1, "en": "x"}',
          b'{"ko": "\xed\x95\x9c\r", "en": "b"}\r', b'{"ko": "\xea\xb0\x80\xea\xb0\x80", "en": "q"}']


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from(range(len(_LINES))), max_size=14),
       st.sampled_from([b"\n", b"\r\n", b"\r\r\n", b"\r"]), st.booleans(), st.booleans(),
       st.sampled_from(["strict", "replace"]), st.booleans(), st.integers(1, 9))
def test_ranges_read_like_the_whole_file(tmp_path_factory, picks, nl, bom, last_nl, errors,
                                         validate, pieces):
    """Reading the ranges one after the other gives the whole file's pairs (ids by true line),
    read statistics (merged in order) and errors (strict: the first range's error is the whole
    file's), whatever the line ends, a BOM, invalid UTF-8 or a last line without newline."""
    from tokcost.corpora.records import ReadStats

    lines = [_LINES[i] % n if b"%d" in _LINES[i] else _LINES[i] for n, i in enumerate(picks)]
    data = (b"\xef\xbb\xbf" if bom else b"") + nl.join(lines) + (nl if last_nl else b"")
    path = tmp_path_factory.mktemp("s") / "p.jsonl"
    path.write_bytes(data)

    def read(c):
        c.problems = [] if validate else None
        try:
            out = [tuple(p) for p in c.pairs()]
        except CorpusError as err:
            out = [("error", err.render())]
        return out, [e.render() for e in c.problems or []], c.stats

    whole = JsonlCorpus("t", [path], ReadOptions(errors=errors))
    want = read(whole)
    got: list = []
    problems: list = []
    stats = ReadStats()
    for span in line_spans(path, pieces):
        part, probs, st_ = read(whole.shard_span(path, span))
        if part and part[-1][0] == "error":  # what a strict read of the whole file raises
            got = part
            break
        got += part
        problems += probs
        stats.merge(st_)
    assert (got, problems) == want[:2]
    if not (got and got[-1][0] == "error"):
        assert stats == want[2]


def test_json_nesting_is_refused_by_a_fixed_depth_not_by_the_stack(tmp_path):
    """How deeply a line may nest is a fixed limit (``jsonl.MAX_DEPTH``), not the recursion limit
    left at the stack depth the reader runs at, which differs between one process reading the
    whole file, the calling process and a pool process: a line nested 970 deep in the last
    quarter of a 3 MB file was read by ``measure --workers 1`` (exit 0) and refused as 'JSON
    nested too deeply' by ``--workers 2`` (exit 2)."""
    from tokcost.corpora.jsonl import MAX_DEPTH

    def line(depth: int) -> str:  # an object nesting arrays: ``depth`` deep in all
        return '{"ko": "가", "en": "a", "x": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"

    path = tmp_path / "deep.jsonl"
    path.write_text("\n".join(line(d) for d in (MAX_DEPTH, MAX_DEPTH + 1, 700)) + "\n",
                    encoding="utf-8")

    def read(stack: int) -> tuple[int, list[str]]:
        if stack:
            return read(stack - 1)
        corpus = JsonlCorpus("d", [path])
        corpus.problems = []  # note every bad line and go on
        return len(list(corpus.pairs())), [e.render() for e in corpus.problems]

    top = read(0)
    deep = "JSON nested too deeply (each line must be one flat JSON object)"
    assert top == (1, [f"{path}:2: {deep}", f"{path}:3: {deep}"])
    assert read(sys.getrecursionlimit() - MAX_DEPTH - 150) == top


def test_stable_digests_are_the_same_in_every_process():
    ids = ["a", "news-001", "가나다", "x" * 300, "\udc80", "1", "2", "10", "ab", "ba"]
    got = stable_digests(ids).tolist()
    assert len(set(got)) == len(ids)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from tokcost.corpora.checks import "
            f"stable_digests; print(stable_digests({ids!r}).tolist())")
    other = subprocess.run([sys.executable, "-c", code, str(REPO / "src")], check=True,
                           capture_output=True, text=True).stdout
    assert json.loads(other) == got
    assert stable_digests(["a", "b"]).tolist() == [stable_digests(["a"])[0],
                                                   stable_digests(["b"])[0]]


# ---------------------------------------------------------------- whole runs, real tokenizers
def test_shipped_corpora_identical_with_ranges(mirror, monkeypatch):
    """The shipped samples (ten files) cut into ranges of a few KB: identical rows and domain
    rows, for a BPE and a SentencePiece tokenizer."""
    monkeypatch.setattr(measurement, "SPAN_MIN_BYTES", 8192)
    one, two, n = _both(monkeypatch, "samples", settings=Settings(by_domain=True))
    assert n > 10
    assert one == two
    assert len(json.loads(one)["rows"]) > 4


def test_generated_multi_megabyte_file_identical(mirror, monkeypatch, tmp_path):
    """A 3 MB file at the real range size (1 MB): identical JSON, every statistic."""
    path = _big(tmp_path / "big.jsonl", 3)
    one, two, n = _both(monkeypatch, str(path))
    assert n >= 2
    assert one == two
    row = json.loads(two)["rows"][0]
    assert row["pairs"] > 5000 and row["ratio_ci_low"] is not None


def test_crlf_no_final_newline_and_nfd_warning(mirror, monkeypatch, tmp_path):
    """CRLF line ends, a last line without newline, and a non-NFC text far into the file: the
    same rows and the same warning naming the same file:line."""
    monkeypatch.setattr(measurement, "SPAN_MIN_BYTES", 65536)
    recs = _unique(3)
    recs[2500]["ko"] = "\u1112\u1161\u11ab\u1100\u1173\u11af 텍스트"  # NFD jamo
    path = _write(tmp_path / "crlf.jsonl", recs, nl="\r\n", last_nl=False)
    one, two, n = _both(monkeypatch, str(path), toks=["o200k_base"])
    assert n >= 2 and one == two
    warnings = json.loads(two)["warnings"]
    assert any(f"{path}:2501" in w for w in warnings), warnings


def test_first_error_in_file_order_with_true_line(mirror, monkeypatch, tmp_path):
    """Bad records in the second half (two ranges apart): the first one in the file is the
    error, with its true line, as with one process; so is invalid UTF-8."""
    monkeypatch.setattr(measurement, "SPAN_MIN_BYTES", 65536)
    recs = _unique(3)
    lines = [json.dumps(r, ensure_ascii=False) for r in recs]
    lines[2000] = '{"ko": "가", "en": '
    lines[3000] = '{"ko": "", "en": "x"}'
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(line_spans(path, 6)) == 6
    one = _error(str(path), 1)
    assert one == _error(str(path), 2)
    assert f"{path}:2001: invalid JSON" in one
    raw = path.read_bytes().split(b"\n")
    raw[2000] = b'{"ko": "\xb0", "en": "z"}'
    path.write_bytes(b"\n".join(raw))
    one = _error(str(path), 1)
    assert one == _error(str(path), 2) and f"{path}:2001: invalid UTF-8" in one
    replace = ReadOptions(errors="replace")  # line 2001 is read, line 3001 is the error
    one = _error(str(path), 1, replace)
    assert one == _error(str(path), 2, replace) and f"{path}:3001: empty 'ko' text" in one


def test_replaced_utf8_identical(mirror, monkeypatch, tmp_path):
    monkeypatch.setattr(measurement, "SPAN_MIN_BYTES", 65536)
    recs = _unique(3)
    raw = [json.dumps(r, ensure_ascii=False).encode() for r in recs]
    raw[2600] = b'{"ko": "\xb0\xa1 \xea\xb0\x80", "en": "z"}'
    path = tmp_path / "rep.jsonl"
    path.write_bytes(b"\n".join(raw) + b"\n")
    one, two, n = _both(monkeypatch, str(path), toks=["o200k_base"],
                        read_options=ReadOptions(errors="replace"))
    assert n >= 2 and one == two
    assert any("1 lines had invalid UTF-8" in w for w in json.loads(two)["warnings"])


def test_lone_cr_before_the_last_byte_of_a_last_line_without_newline(mirror, monkeypatch,
                                                                      tmp_path):
    """A last line without newline whose last-but-one byte is a lone CR is two lines, on the
    binary path too (from invalid UTF-8 on, --errors replace): one process read ``{...}\\r1`` as
    one line (invalid JSON at line N) where the last range, in text mode, read two (line N+1)."""
    from tokcost.corpora.base import read_lines

    monkeypatch.setattr(measurement, "SPAN_MIN_BYTES", 65536)
    raw = [json.dumps(r, ensure_ascii=False).encode() for r in _unique(3)]
    raw[300] = b'{"ko": "\xb0\xa1", "en": "z"}'  # early: one process reads on in binary
    path = tmp_path / "cr.jsonl"
    path.write_bytes(b"\n".join(raw) + b"\r1")
    replace = ReadOptions(errors="replace")
    one = _error(str(path), 1, replace)
    assert one == _error(str(path), 2, replace)
    assert f"{path}:{len(raw) + 1}: expected a JSON object" in one
    mono = tmp_path / "m.txt"
    mono.write_bytes(b"a\nb\rc")
    assert list(read_lines(mono)) == [(1, "a"), (2, "b"), (3, "c")]


def test_repeated_id_across_ranges(mirror, monkeypatch, tmp_path):
    """An id repeated in another range (and an id-less record whose id is its line number,
    repeated by an explicit id): the same error naming both lines as one process gives."""
    monkeypatch.setattr(measurement, "SPAN_MIN_BYTES", 65536)
    recs = _unique(3)
    recs[3100]["id"] = "r5"
    path = _write(tmp_path / "dup.jsonl", recs)
    one = _error(str(path), 1)
    assert one == _error(str(path), 2)
    assert "duplicate id 'r5' (first on line 6)" in one and ":3101:" in one
    recs[3100]["id"] = "r3100"
    del recs[2000]["id"]  # its id is its line number, 2001 (a range far from the start)
    recs[3000]["id"] = "2001"
    path = _write(tmp_path / "dup2.jsonl", recs)
    one = _error(str(path), 1)
    assert one == _error(str(path), 2) and "duplicate id '2001' (first on line 2001)" in one


def test_repeated_id_inside_a_range_that_spilled(mirror, monkeypatch, tmp_path):
    """A range of more than ``SPILL_AT`` records (at the real sizes: ranges of 10 MB of short
    records) sends back every id's digest: its checker used to spill the first ones to disk and
    send only the rest, so a repeat among them went unseen (here the first repeat was reported at
    a later line; alone, none at all). Every range is counted in this process (one process:
    ``count_pieces`` starts no pool work), where the lowered limits apply."""
    import tokcost.corpora.checks as checks

    monkeypatch.setattr(measurement, "SPAN_MIN_BYTES", 65536)
    recs = _unique(3)
    recs[20]["id"] = "r5"
    path = _write(tmp_path / "spill.jsonl", recs)
    want = _error(str(path), 1)
    assert "duplicate id 'r5' (first on line 6)" in want and ":21:" in want
    monkeypatch.setattr(checks, "SPILL_AT", 64)
    monkeypatch.setattr(checks, "ID_BATCH", 16)
    corpus = open_corpus(str(path))
    pieces = measurement._spans(corpus, Settings(), 2)
    assert pieces is not None and len(pieces) >= 3
    toks = measurement.resolve_many(["o200k_base"])
    with pytest.raises(CorpusError) as err:
        measurement._count_spans(corpus, toks, pieces, Settings(), 1, None)
    assert err.value.render() == want


def test_domain_filter_with_ranges(mirror, monkeypatch, tmp_path):
    monkeypatch.setattr(measurement, "SPAN_MIN_BYTES", 65536)
    recs = _unique(3)
    path = _write(tmp_path / "dom.jsonl", recs)
    one, two, n = _both(monkeypatch, str(path), toks=["o200k_base"],
                        read_options=ReadOptions(domain="law"))
    assert n >= 2 and one == two
    none = ReadOptions(domain="nope")
    msg = _error(str(path), 1, none)
    assert msg == _error(str(path), 2, none) and "no pair has domain 'nope'" in msg


def test_blank_ranges_and_monolingual(mirror, monkeypatch, tmp_path):
    """A range holding only blank lines counts nothing and changes nothing; a monolingual file
    is read in ranges too."""
    monkeypatch.setattr(measurement, "SPAN_MIN_BYTES", 65536)
    recs = _unique(1)
    body = [json.dumps(r, ensure_ascii=False) for r in recs]
    path = tmp_path / "blank.jsonl"
    path.write_text("\n".join(body[:500] + [""] * 300_000 + body[500:]) + "\n", encoding="utf-8")
    one, two, n = _both(monkeypatch, str(path), toks=["o200k_base"])
    assert n >= 3 and one == two
    mono = tmp_path / "mono.txt"
    mono.write_text("\n".join(r["ko"] for r in recs * 3) + "\n", encoding="utf-8")
    one, two, n = _both(monkeypatch, f"mono:{mono}", toks=["o200k_base"])
    assert n >= 2 and one == two


def test_glob_with_empty_small_and_big_files(mirror, monkeypatch, tmp_path):
    """A glob of an empty file, a file of blank lines, a small file and a big one (CRLF, a non-NFC
    text far into it): ranges of every file in path order, the same rows and the same warning
    naming the big file's line, as one process."""
    monkeypatch.setattr(measurement, "SPAN_MIN_BYTES", 65536)
    recs = _unique(3)
    recs[3000]["ko"] = "\u1112\u1161\u11ab\u1100\u1173\u11af 텍스트"  # NFD jamo
    (tmp_path / "a.jsonl").write_bytes(b"")
    (tmp_path / "b.jsonl").write_bytes(b"  \r\n\n")
    _write(tmp_path / "c.jsonl", [{**r, "id": f"c{i}"} for i, r in enumerate(recs[:5])])
    big = _write(tmp_path / "d.jsonl", recs, nl="\r\n", last_nl=False)
    one, two, n = _both(monkeypatch, str(tmp_path / "*.jsonl"), toks=["o200k_base"])
    assert n >= 6 and one == two
    assert any(f"{big}:3001" in w for w in json.loads(two)["warnings"])


def test_cli_error_in_second_half_is_one_line(mirror, tmp_path):
    """The CLI with --workers 2 on a 3 MB file whose bad line is in its second half: exit 2 and
    one error line naming file:line."""
    path = _big(tmp_path / "cli.jsonl", 3)
    lines = path.read_bytes().split(b"\n")
    at = len(lines) * 3 // 4
    lines[at] = b'{"ko": "x", "en": 3}'
    path.write_bytes(b"\n".join(lines))
    proc = subprocess.run([sys.executable, "-m", "tokcost", "measure", "-c", str(path), "-t",
                           "o200k_base", "--no-cache", "--workers", "2", "-f", "json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    err = [ln for ln in proc.stderr.strip().splitlines() if not ln.startswith("warning: ")]
    assert err == [f"tokcost: error: {path}:{at + 1}: column 'en' is not text"], proc.stderr


def test_which_inputs_are_read_in_ranges(mirror, monkeypatch, tmp_path):
    """Ranges for a large JSON Lines or monolingual file with 2+ workers; the chunk path for one
    worker, a small input, many small files, CSV/TSV and a distributed engine."""
    from tokcost.measurement import _spans

    big = _big(tmp_path / "big.jsonl", 2.5)
    two = Settings()
    assert len(_spans(open_corpus(str(big)), two, 2) or []) >= 2
    assert _spans(open_corpus(str(big)), two, 1) is None
    assert _spans(open_corpus(str(big)), Settings(engine="dask"), 2) is None
    assert _spans(open_corpus("samples"), two, 2) is None  # 0.4 MB in ten files
    monkeypatch.setattr(measurement, "SPAN_MIN_BYTES", 8192)
    assert len(_spans(open_corpus("samples"), two, 2) or []) >= 10
    monkeypatch.setattr(measurement, "SPAN_MIN_BYTES", 1 << 20)
    tsv = tmp_path / "p.tsv"
    tsv.write_text("ko\ten\n" + "가\ta\n" * 400_000, encoding="utf-8")
    assert _spans(open_corpus(str(tsv)), two, 2) is None
