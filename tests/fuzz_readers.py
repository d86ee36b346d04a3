"""Fuzz the readers and the baseline/config loaders with mutated inputs (fixed seed).

Every input must end in one of two ways: it loads (and every number it yields is finite and
non-negative where tokcost compares it), or it raises :class:`tokcost.errors.TokcostError` (one
line, exit 2 in the CLI). Any other exception, a hang or a non-finite value is a finding; the run
prints each finding with the input that caused it and exits 1.

    python tests/fuzz_readers.py --seconds 15 --seed 17     # what .ci/run runs (bounded)
    python tests/fuzz_readers.py --seconds 600 --seed $RANDOM   # a longer run, before a release

Not collected by pytest (no ``test_`` prefix); ``tests/test_bad_input.py`` holds the cases a
fuzz run found, as fixed regressions.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SEEDS: dict[str, list[bytes]] = {
    "baseline": [
        b'{"schema": "tokcost/measure/1", "rows": [{"tokenizer": "o200k_base", "corpus": '
        b'"pairs", "domain": "all", "ratio": 1.25, "ko_tokens": 10, "en_tokens": 8}]}',
        b'{"schema": "tokcost/cost/1", "rows": [{"model": "gpt-5", "currency": "USD", '
        b'"cost": 0.0123, "status": "ok"}]}',
        b'{"schema": "tokcost/report/1", "measure": [], "cost": [{"model": "m", "currency": '
        b'"KRW", "cost": 12.5}], "budget": [{"model": "m", "currency": "USD", '
        b'"monthly_cost": 3.0}], "settings": {"corpora": ["samples"]}}',
    ],
    "config": [
        b'corpora = ["samples"]\ntokenizers = ["o200k_base"]\nmodels = ["gpt-5-mini"]\n\n'
        b'[check]\nbaseline = "ci/baseline.json"\nmax_ratio_increase = 5\nmax_cost_increase = 10\n'
        b'max_ratio = 2.5\n\n[[prompts]]\nglob = "prompts/*.txt"\nmax_tokens = 800\n'
        b'model = "gpt-5-mini"\n\n[workload]\nrequests_per_day = 1000\ndays = 30\n'
        b'input_chars = 800\noutput_chars = 400\nmodels = ["gpt-5-mini"]\n\n[report]\n'
        b'lang = "ko"\nout = "tokcost-report"\n',
    ],
    "jsonl": [
        '{"ko": "안녕하세요", "en": "Hello", "domain": "chat"}\n{"ko": "감사합니다", "en": "Thanks"}\n'
        .encode(),
    ],
    "tsv": ["ko\ten\tdomain\n안녕하세요\tHello\tchat\n감사합니다\tThank you\tchat\n".encode()],
    "csv": ['id,ko,en\n1,안녕하세요,Hello\n2,"감사합니다, 정말","Thanks, really"\n'.encode()],
    # a user's price table (--pricing): a shipped one, read on top of the shipped tables
    "pricing": [(Path(__file__).resolve().parents[1] / "pricing" / "alibaba.toml").read_bytes()],
}

TOKENS = [b"NaN", b"Infinity", b"-Infinity", b"-1", b"1e999", b"9" * 5000, b'"\\ud800"',
          b"[" * 2000, b"]" * 2000, b"{", b"}", b"\x00", b"\xff\xfe", b"\xed\xa0\x80", b"\r",
          b"\n", b"\t", b'"', b"\\", b"\x1b[31m", b"=cmd|", b"\u202e".decode("unicode_escape")
          .encode(), b"nan", b"inf", b"[[", b"]]", b"= ", b"'''", b"0x10", b"1_000", b"null",
          b"true", b"{}", b"[]", b"\xef\xbb\xbf"]


def mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.random()
        pos = rng.randint(0, len(buf)) if buf else 0
        if op < 0.25 and buf:  # flip a byte
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op < 0.45:  # insert a token of trouble
            buf[pos:pos] = rng.choice(TOKENS)
        elif op < 0.6 and buf:  # delete a range (truncation)
            end = min(len(buf), pos + rng.randint(1, 40))
            del buf[pos:end]
        elif op < 0.7:  # truncate
            del buf[pos:]
        elif op < 0.85 and buf:  # replace a number-ish span with a token
            end = min(len(buf), pos + rng.randint(1, 6))
            buf[pos:end] = rng.choice(TOKENS)
        else:  # duplicate a slice
            end = min(len(buf), pos + rng.randint(1, 80))
            buf[pos:pos] = buf[pos:end]
    return bytes(buf)


def _finite_metrics(res) -> None:
    for m in res.metrics.values():
        if m.value is not None and not (math.isfinite(m.value) and m.value >= 0):
            raise AssertionError(f"metric {m.id} = {m.value!r} was accepted")


def load_baseline(path: Path) -> None:
    from tokcost.gate.results import load_results

    _finite_metrics(load_results(path))


def load_config(path: Path) -> None:
    from tokcost.config import parse_config

    cfg = parse_config(path)
    for name in ("max_ratio_increase", "max_cost_increase", "max_ratio"):
        v = getattr(cfg.check, name)
        if v is not None and not (math.isfinite(v) and v >= 0):
            raise AssertionError(f"[check] {name} = {v!r} was accepted")


def read_corpus(path: Path) -> None:
    from tokcost.corpora import open_corpus

    for pair in open_corpus(str(path)).pairs():
        pair.ko.encode("utf-8")  # lone surrogates would fail here, later, in a writer
        if pair.en is not None:
            pair.en.encode("utf-8")


def load_pricing(path: Path) -> None:
    from tokcost.pricing.tables import load_tables, validate

    validate([path])  # lists findings; must not raise
    tables = load_tables([path])
    for model in tables.models():
        for row in model.prices:
            for name in ("input", "output"):
                v = getattr(row, name, None)
                if v is not None and not (math.isfinite(v) and v >= 0):
                    raise AssertionError(f"{model.id}: {name} = {v!r} was accepted")


TARGETS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "baseline": (".json", load_baseline),
    "config": (".toml", load_config),
    "jsonl": (".jsonl", read_corpus),
    "tsv": (".tsv", read_corpus),
    "csv": (".csv", read_corpus),
    "pricing": (".toml", load_pricing),
}


def check_seeds(tmp: str) -> list[str]:
    """Every seed must load as it is: a seed that is already an error (an unknown key, a
    missing header) would make every mutation of it test only that error."""
    bad = []
    for kind, (suffix, fn) in TARGETS.items():
        for i, seed in enumerate(SEEDS[kind]):
            path = Path(tmp) / f"seed{suffix}"
            path.write_bytes(seed)
            try:
                fn(path)
            except Exception as err:
                bad.append(f"{kind} seed {i} does not load: {err}")
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--max-findings", type=int, default=10)
    args = ap.parse_args(argv)

    os.environ.setdefault("TOKCOST_CACHE_DIR", tempfile.mkdtemp(prefix="tokcost-fuzz-cache-"))
    from tokcost.errors import TokcostError

    rng = random.Random(args.seed)
    findings: list[str] = []
    runs = {k: 0 for k in TARGETS}
    end = time.monotonic() + args.seconds
    with tempfile.TemporaryDirectory(prefix="tokcost-fuzz-") as tmp:
        findings.extend(check_seeds(tmp))
        while time.monotonic() < end and len(findings) < args.max_findings:
            kind = rng.choice(list(TARGETS))
            suffix, fn = TARGETS[kind]
            data = mutate(rng, rng.choice(SEEDS[kind]))
            path = Path(tmp) / f"input{suffix}"
            path.write_bytes(data)
            runs[kind] += 1
            try:
                fn(path)
            except TokcostError as err:
                line = err.render()
                if "\n" in line:
                    findings.append(f"{kind}: a multi-line error {line!r} for {data[:200]!r}")
            except Exception as err:
                findings.append(f"{kind}: {type(err).__name__}: {str(err)[:200]} "
                                f"for {data[:200]!r}")
    total = sum(runs.values())
    print(f"fuzz: seed {args.seed}, {args.seconds:g} s, {total} inputs "
          f"({', '.join(f'{k} {n}' for k, n in runs.items())}), {len(findings)} findings")
    for f in findings:
        print("  " + f)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
