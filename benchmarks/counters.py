#!/usr/bin/env python
"""Compare alternative exact token counters with the reference libraries, text by text.

    python benchmarks/counters.py                # equality on FLORES, shipped corpora, adversarial
    python benchmarks/counters.py --speed 8      # and single-process speed on ~8 MB of pairs

For every tiktoken encoding in the mirror (TOKCOST_TOKENIZERS_DIR, default ../shared/tokenizers)
the token ids of tiktoken's ``encode_ordinary`` are compared with fastokens, rs-bpe, bpe-openai,
riptoken and tokie (those installed); for every Hugging Face ``tokenizer.json`` the ids of
``tokenizers`` with fastokens. Prints one line per (counter, tokenizer): texts compared, texts that
differ (with the first), and, with ``--speed``, the speed against the reference's plain loop.
This is the evidence behind the counter tokcost picks (docs/performance.md, "Exact counters").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MIRROR = Path(os.environ.get("TOKCOST_TOKENIZERS_DIR", REPO.parent / "shared" / "tokenizers"))
FLORES = MIRROR.parent / "reference" / "flores200"
ENCODINGS = ("o200k_base", "cl100k_base")  # p50k/r50k: only tiktoken reads them offline


def adversarial() -> list[str]:
    """Texts built to separate BPE implementations: long runs, whitespace, digits, emoji,
    mixed scripts, special-token strings, lone surrogates' neighbours and odd code points."""
    rng = random.Random(20)
    out = ["", " ", "\n", "\t", "a" * 10_000, "가" * 5_000, " " * 3_000, "\n" * 500,
           " \n " * 300, "\t \u3000\u00a0" * 200, "1" * 2_000, "1234567890" * 200,
           "3 33 333 3333 33333 333333 3333333 33333333", "😀" * 500, "👨‍👩‍👧‍👦" * 100,
           "🇰🇷🇺🇸" * 100, "e\u0301" * 300, "\u1100\u1161\u11a8" * 300,  # NFD jamo
           "<|endoftext|>", "<|endoftext|> <|fim_prefix|><|im_start|>", "<s></s>[INST]<unk>",
           "\ufeff\u200b\u200d\u2060", "\x00\x01\x7f", "\ufffd" * 50, "\U0010ffff\U000e0001",
           "ﷺ 𒀱 ꧁꧂ ᄀᄁ ㄱㄴ ㉠ ㈜", "don't I'll we've 'S 'll", "  leading and trailing  ",
           "Hello,world!Привет,мир!こんにちは世界！안녕하세요,세계!مرحبا بالعالم",
           "http://example.com/a?b=c&d=e#f", "a\r\nb\rc\n\r\nd", "	 	 	x",
           "$ 1,234.56 ₩1,380원 12:30 2026-12-01", "😀😀 😀\n😀", "ab" * 4_000 + "c"]
    alphabet = ("abc ABC 012 가나다 한국어 ☃ 😀 \n\t  .,!?'\"-_/\\ ą ß 中文 日本語 ع ক "
                "\u0301\u200d\ufe0f")
    for _ in range(400):
        n = rng.randint(1, 200)
        out.append("".join(rng.choice(alphabet) for _ in range(n)))
    for _ in range(100):
        n = rng.randint(1, 60)
        out.append("".join(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0xa0, 0xd7ff),
                                           rng.randint(0xe000, 0xfffd),
                                           rng.randint(0x10000, 0x10ffff)])) for _ in range(n)))
    return out


def shipped() -> list[str]:
    texts: list[str] = []
    for f in sorted((REPO / "corpora").rglob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            for side in ("ko", "en"):
                v = rec.get(side)
                if isinstance(v, str):
                    texts.append(v)
                elif isinstance(v, list):  # chat requests: messages
                    texts.extend(m.get("content", "") for m in v if isinstance(m, dict))
    return texts


def flores() -> list[str]:
    return [line for f in sorted(FLORES.rglob("*.dev*")) if f.is_file()
            for line in f.read_text(encoding="utf-8").splitlines()]


def corpus_texts() -> dict[str, list[str]]:
    return {"flores": flores(), "shipped": shipped(), "adversarial": adversarial()}


# ---------------------------------------------------------------- counters
Encode = Callable[[list[str]], list[list[int]]]


def tiktoken_ref(name: str) -> Encode:
    import tiktoken
    from tiktoken.load import load_tiktoken_bpe

    from tokcost.tokenizers.tiktoken_backend import encoding_kwargs

    ranks = load_tiktoken_bpe(str(MIRROR / "tiktoken" / f"{name}.tiktoken"))
    enc = tiktoken.Encoding(**encoding_kwargs(name, ranks))
    return lambda texts: [enc.encode_ordinary(t) for t in texts]


def tiktoken_alternatives(name: str) -> Iterator[tuple[str, Encode]]:
    path = str(MIRROR / "tiktoken" / f"{name}.tiktoken")
    from tokcost.tokenizers.fast_counter import try_tiktoken

    fast = try_tiktoken(path, name)
    if fast is not None:
        yield "fastokens", fast.encode_batch
    try:
        import rs_bpe

        ctor = getattr(rs_bpe.openai, name, None)
        if ctor is not None:
            tk = ctor()
            yield "rs-bpe", lambda texts: [list(tk.encode(t)) for t in texts]
    except ImportError:
        pass
    try:
        import bpe_openai

        if name in bpe_openai.list_encoding_names():
            be = bpe_openai.get_encoding(name)
            yield "bpe-openai", lambda texts: [list(be.encode_ordinary(t)) for t in texts]
    except ImportError:
        pass
    try:
        import riptoken
        import tiktoken
        from tiktoken.load import load_tiktoken_bpe

        from tokcost.tokenizers.tiktoken_backend import encoding_kwargs

        enc = tiktoken.Encoding(**encoding_kwargs(name, load_tiktoken_bpe(path)))
        rt = riptoken._build_encoding(enc)
        yield "riptoken", lambda texts: [list(rt.encode_ordinary(t)) for t in texts]
    except ImportError:
        pass


def hf_files() -> list[Path]:
    return sorted(MIRROR.rglob("tokenizer.json"))


def hf_ref(path: Path) -> Encode:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    return lambda texts: [e.ids for e in tok.encode_batch_fast(texts, add_special_tokens=False)]


def hf_alternatives(path: Path) -> Iterator[tuple[str, Encode]]:
    try:
        from tokcost.tokenizers.fast_counter import FastBPE

        fast = FastBPE.from_hf(str(path))
        yield "fastokens", fast.encode_batch
    except ImportError:
        pass
    try:
        import tokie

        tk = tokie.Tokenizer.from_json(str(path))
        yield "tokie", lambda texts: [list(e.ids) if hasattr(e, "ids") else list(e)
                                      for e in tk.encode_batch(texts, add_special_tokens=False)]
    except (ImportError, Exception) as exc:  # tokie raises its own error for unsupported files
        print(f"  tokie cannot load {path.parent.name}: {exc}", file=sys.stderr)


def compare(ref: Encode, alt: Encode, texts: list[str]) -> tuple[int, str | None]:
    want = ref(texts)
    got = alt(texts)
    bad = [t for t, a, b in zip(texts, want, got, strict=True) if list(a) != list(b)]
    return len(bad), (repr(bad[0][:60]) if bad else None)


def speed(fn: Encode, texts: list[str]) -> float:
    t0 = time.perf_counter()
    for i in range(0, len(texts), 2000):
        fn(texts[i:i + 2000])
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--speed", type=float, default=0.0, metavar="MB",
                    help="also time each counter on about this many MB of text (one process)")
    ap.add_argument("--only", default="", help="comma-separated tokenizer names to check")
    args = ap.parse_args()
    sets = corpus_texts()
    allt = [t for ts in sets.values() for t in ts]
    bulk: list[str] = []
    if args.speed:
        base = sets["flores"] + sets["shipped"]
        size = sum(len(t.encode()) for t in base)
        bulk = [f"{t} {i}" for i in range(max(1, int(args.speed * 1e6 / size))) for t in base]
    only = {x for x in args.only.split(",") if x}
    rows = []
    jobs: list[tuple[str, Callable[[], Encode], Callable[[], Iterator[tuple[str, Encode]]]]] = []
    for name in ENCODINGS:
        if (MIRROR / "tiktoken" / f"{name}.tiktoken").is_file():
            jobs.append((name, lambda n=name: tiktoken_ref(n), lambda n=name: tiktoken_alternatives(n)))
    for p in hf_files():
        jobs.append((str(p.parent.relative_to(MIRROR)), lambda p=p: hf_ref(p),
                     lambda p=p: hf_alternatives(p)))
    for name, mk_ref, mk_alts in jobs:
        if only and name not in only:
            continue
        ref = mk_ref()
        ref_s = speed(ref, bulk) if bulk else None
        for alt_name, alt in mk_alts():
            diffs = {k: compare(ref, alt, ts) for k, ts in sets.items()}
            n_bad = sum(d[0] for d in diffs.values())
            first = next((f"{k}: {d[1]}" for k, d in diffs.items() if d[1]), "")
            alt_s = speed(alt, bulk) if bulk else None
            ratio = f"{ref_s / alt_s:.2f}x" if ref_s and alt_s else "-"
            rows.append((name, alt_name, len(allt), n_bad, ratio, first))
            print(f"{name:32} {alt_name:11} texts={len(allt):6} differ={n_bad:4} speed={ratio:7} {first}",
                  flush=True)
    return 1 if any(r[3] for r in rows if r[1] == "fastokens") else 0


if __name__ == "__main__":
    sys.exit(main())
