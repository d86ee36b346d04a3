"""measure (and the report's measure stage) hold one tokenizer at a time in each process: each
tokenizer file is counted in its own pass over the corpus and released before the next is opened;
the rows are identical to one pass with every tokenizer (issue #20, #19 item 10)."""

from __future__ import annotations

import gc
import weakref

import pytest

import tokcost.engines.local as local
import tokcost.measurement as m
import tokcost.tokenizers as toks_mod
from tokcost.measurement import Settings, run_measure

# one of each backend, and two ids on one file (gemini is counted with gemma-3's file)
IDS = ["o200k_base", "ax-4.0", "mistral-spm-v3", "gemma-3", "gemini"]


@pytest.fixture
def opens(monkeypatch) -> list[tuple[str, int]]:
    """(tokenizer id, how many tokenizers this process still held when it was opened), for every
    tokenizer opened for counting, here or for a pool this process shares the work with."""
    live: weakref.WeakSet = weakref.WeakSet()
    seen: list[tuple[str, int]] = []
    real = toks_mod.open_resolution

    def spy(res, **kwargs):
        gc.collect()
        seen.append((res.entry.id, len(live)))
        tok = real(res, **kwargs)
        live.add(tok)
        return tok

    monkeypatch.setattr(toks_mod, "open_resolution", spy)
    monkeypatch.setattr(local, "open_resolution", spy)
    return seen


def _rows(workers: int | str, one_pass: bool, monkeypatch) -> list[dict]:
    with monkeypatch.context() as mp:
        if one_pass:  # what measure did before: every tokenizer in one pass
            mp.setattr(m, "passes", lambda *a: 1)
        return run_measure(["samples"], IDS, use_cache=False, workers=workers,
                           settings=Settings(by_domain=True)).rows


@pytest.mark.parametrize("workers", [1, 2])
def test_rows_identical_to_one_pass(mirror, monkeypatch, workers):
    one = _rows(workers, True, monkeypatch)
    each = _rows(workers, False, monkeypatch)
    assert [r["tokenizer"] for r in each] == [r["tokenizer"] for r in one]
    assert len({r["tokenizer"] for r in each}) == len(IDS)
    assert each == one


def test_one_tokenizer_held_at_a_time(mirror, opens):
    run_measure(["samples"], IDS, use_cache=False, workers=1)
    # gemini shares gemma-3's file: counted once, with gemma-3
    assert [tid for tid, _ in opens] == ["o200k_base", "ax-4.0", "mistral-spm-v3", "gemma-3"]
    assert [held for _, held in opens] == [0, 0, 0, 0]


def test_one_pass_would_hold_them_all(mirror, opens, monkeypatch):
    """The control for the test above: the old single pass opens each beside the others."""
    monkeypatch.setattr(m, "passes", lambda *a: 1)
    run_measure(["samples"], IDS, use_cache=False, workers=1)
    assert [held for _, held in opens] == [0, 1, 2, 3]


def test_progress_counts_every_pass(mirror):
    totals: list[int | None] = []
    done: list[int] = []

    def factory(name, ids, total):
        totals.append(total)
        return done.append

    rows = run_measure(["samples/law"], ["o200k_base", "ax-4.0"], use_cache=False, workers=1,
                       progress_factory=factory).rows
    pairs = rows[0]["pairs"]
    assert sum(done) == 2 * pairs  # two passes over the corpus
    assert len(totals) == 1 and (totals[0] is None or totals[0] >= 2 * pairs * 0.5)


REPORT_IDS = ["o200k_base", "ax-4.0", "gemma-3", "gemini"]
# models counted with those tokenizers (a model whose tokenizer is not among the report's is
# loaded by the cost rows as it comes, beside the others)
REPORT_MODELS = ["gpt-5", "gpt-5-mini", "skt/A.X-4.0", "gemini-2.5-pro", "gemini-2.5-flash"]
CORPUS = "samples/law"


def _report():
    from tokcost.report.collect import ReportOptions, collect_results

    doc = collect_results(ReportOptions(corpora=[CORPUS], tokenizers=REPORT_IDS,
                                        models=REPORT_MODELS, use_cache=False, workers=1))
    doc.pop("generated")
    return doc


def test_report_one_tokenizer_at_a_time_same_rows(mirror, monkeypatch, opens):
    """Measure, count the requests, show boundaries and diagnose: each tokenizer is opened only
    when nothing else is held in this process, at every stage; and the rows equal what the stages
    give with every tokenizer loaded at once (cost and budget rows as cost_rows/budget_rows make
    them loading each model's tokenizer, boundaries and diagnostics as one call with all)."""
    import tokcost.report.collect as collect
    from tokcost.diagnostics.sample import diagnostic_text
    from tokcost.schema.measure import MeasureRow
    from tokcost.tokenizers import load_tokenizer

    doc = _report()
    assert opens and [held for _, held in opens] == [0] * len(opens), str(opens)
    assert {tid for tid, _ in opens} == set(REPORT_IDS)
    assert len(doc["diagnostics"]) == len(REPORT_IDS) and doc["cost"] and doc["budget"]
    with monkeypatch.context() as mp:  # no priming: the cost and budget rows load as before
        mp.setattr(collect, "_primers", lambda *a: {})
        mp.setattr(collect, "_plain", lambda t: False)
        mp.setattr(m, "passes", lambda *a: 1)
        before = _report()
    assert doc["cost"] == before["cost"] and doc["budget"] == before["budget"]
    assert doc["measure"] == before["measure"] and doc["headline"] == before["headline"]
    loaded = [load_tokenizer(t) for t in REPORT_IDS]
    dtext = diagnostic_text(CORPUS)
    samples = collect._samples(dtext.kept, 3)
    assert doc["boundaries"] == collect._boundaries(samples, loaded)
    measured = {r["tokenizer"]: MeasureRow.model_validate(r) for r in doc["measure"]
                if r["domain"] == "all" and r["corpus"] == doc["measure"][0]["corpus"]}
    want = collect._diagnostics(loaded, dtext.text, {} if dtext.sampled else measured)
    for row in want:
        row.update(sample_pairs=doc["settings"]["diagnostics"]["sample_pairs"],
                   corpus_pairs=doc["settings"]["diagnostics"]["corpus_pairs"])
    assert doc["diagnostics"] == want
