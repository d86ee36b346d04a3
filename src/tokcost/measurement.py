"""Measure: tokens per Korean vs English sentence, with honest statistics.

>>> import tokcost
>>> rows = tokcost.measure(corpora=["samples"], tokenizers=["o200k_base"])  # doctest: +SKIP
>>> rows[0]["ratio"], rows[0]["ratio_ci_low"], rows[0]["ratio_ci_high"]     # doctest: +SKIP
"""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from tokcost._version import __version__
from tokcost.corpora import Corpus, ReadOptions, open_corpus
from tokcost.engine import CHUNK_PAIRS, count_chunks
from tokcost.metrics import bootstrap, ratio
from tokcost.metrics.compression import per, words
from tokcost.tokenizers import Tokenizer

SCHEMA = "tokcost/measure/1"
DEFAULT_CORPORA = ("samples",)


@dataclass
class Settings:
    add_special_tokens: bool = False
    resamples: int = bootstrap.DEFAULT_RESAMPLES
    seed: int = bootstrap.DEFAULT_SEED
    confidence: float = 0.95
    by_domain: bool = False

    def key(self) -> dict[str, Any]:
        return {"special": self.add_special_tokens, "resamples": self.resamples,
                "seed": self.seed, "confidence": self.confidence, "by_domain": self.by_domain}


@dataclass
class _Side:
    tokens: array = field(default_factory=lambda: array("I"))
    partial: int = 0
    unk: int = 0


@dataclass
class _Acc:
    """Per-pair counts for one tokenizer over one corpus."""

    ko: _Side = field(default_factory=_Side)
    en: _Side = field(default_factory=_Side)


@dataclass
class _Shared:
    """Tokenizer-independent facts per pair."""

    domains: list[str | None] = field(default_factory=list)
    ko_chars: int = 0
    en_chars: int = 0
    ko_bytes: int = 0
    en_bytes: int = 0
    ko_words: int = 0
    en_words: int = 0
    per_domain: dict[str, list[int]] = field(default_factory=dict)  # chars, bytes, words ×2


@dataclass
class MeasureResult:
    rows: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        from tokcost.render import to_json

        return to_json(SCHEMA, self.rows, warnings=self.warnings)

    def dataframe(self):
        import pandas as pd

        return pd.json_normalize(self.rows)


def signature(tok: Tokenizer, corpus: Corpus, settings: Settings) -> dict[str, Any]:
    r = tok.resolution
    return {
        "tool": "tokcost",
        "version": __version__,
        "tokenizer": r.entry.id,
        "tokenizer_file": r.path.name,
        "tokenizer_sha256": r.sha256,
        "proxy_of": r.proxy_of,
        "corpus": corpus.name,
        "corpus_sha256": corpus.sha256(),
        "normalization": corpus.options.normalize,
        "special_tokens": "added" if settings.add_special_tokens else "excluded",
        "bootstrap": {"resamples": settings.resamples, "seed": settings.seed,
                      "confidence": settings.confidence, "method": "paired percentile"},
    }


def signature_string(sig: dict[str, Any]) -> str:
    """Compact form, sacrebleu style: one line to paste under a table."""
    return (
        f"tokcost:{sig['version']}|tok:{sig['tokenizer']}@{sig['tokenizer_sha256'][:12]}"
        f"|corpus:{sig['corpus']}@{sig['corpus_sha256'][:12]}|norm:{sig['normalization']}"
        f"|special:{sig['special_tokens']}|boot:{sig['bootstrap']['resamples']}"
        f"/seed{sig['bootstrap']['seed']}"
    )


def _chunks(corpus: Corpus, shared: _Shared) -> Iterator[tuple[list[str], list[str] | None]]:
    ko: list[str] = []
    en: list[str] = []
    mono = corpus.monolingual
    for pair in corpus.pairs():
        ko.append(pair.ko)
        shared.domains.append(pair.domain)
        kc, kb, kw = len(pair.ko), len(pair.ko.encode("utf-8")), words(pair.ko)
        shared.ko_chars += kc
        shared.ko_bytes += kb
        shared.ko_words += kw
        d = shared.per_domain.setdefault(pair.domain or "-", [0] * 6)
        d[0] += kc
        d[2] += kb
        d[4] += kw
        if not mono:
            assert pair.en is not None
            en.append(pair.en)
            ec, eb, ew = len(pair.en), len(pair.en.encode("utf-8")), words(pair.en)
            shared.en_chars += ec
            shared.en_bytes += eb
            shared.en_words += ew
            d[1] += ec
            d[3] += eb
            d[5] += ew
        if len(ko) >= CHUNK_PAIRS:
            yield ko, (en if not mono else None)
            ko, en = [], []
    if ko:
        yield ko, (en if not mono else None)


def _row(tok: Tokenizer, corpus: Corpus, settings: Settings, acc: _Acc, idx: list[int] | None,
         domain: str, facts: Sequence[int], partial: tuple[int, int], unk: tuple[int, int]
         ) -> dict[str, Any]:
    ko_all, en_all = acc.ko.tokens, acc.en.tokens
    ko = list(ko_all) if idx is None else [ko_all[i] for i in idx]
    en = (list(en_all) if idx is None else [en_all[i] for i in idx]) if len(en_all) else []
    ko_chars, en_chars, ko_bytes, en_bytes, ko_words, en_words = facts
    kt, et = sum(ko), sum(en)
    mono = corpus.monolingual
    entry = tok.resolution.entry
    sig = signature(tok, corpus, settings)
    row: dict[str, Any] = {
        "tokenizer": tok.id,
        "tokenizer_name": entry.name,
        "korean_trained": entry.korean_trained,
        "exactness": entry.exactness if not entry.adhoc else "exact",
        "proxy_of": tok.resolution.proxy_of,
        "corpus": corpus.name,
        "domain": domain,
        "monolingual": mono,
        "pairs": len(ko),
        "ko_tokens": kt,
        "en_tokens": None if mono else et,
        "ratio": None,
        "ratio_ci_low": None,
        "ratio_ci_high": None,
    }
    if not mono and et:
        row["ratio"] = kt / et
        ci = bootstrap.ratio_ci(ko, en, resamples=settings.resamples, seed=settings.seed,
                                confidence=settings.confidence)
        if ci:
            row["ratio_ci_low"], row["ratio_ci_high"] = ci
        rs = ratio.summary(ratio.per_sentence_ratios(ko, en))
        row.update({f"ratio_sentence_{k}": v for k, v in rs.items()})
    for side, toks, chars, nbytes, nwords, p, u in (
        ("ko", ko, ko_chars, ko_bytes, ko_words, partial[0], unk[0]),
        ("en", en, en_chars, en_bytes, en_words, partial[1], unk[1]),
    ):
        if side == "en" and mono:
            continue
        total = sum(toks)
        s = ratio.summary([float(t) for t in toks])
        row.update({
            f"{side}_tokens_per_sentence_mean": s["mean"],
            f"{side}_tokens_per_sentence_median": s["median"],
            f"{side}_tokens_per_sentence_p90": s["p90"],
            f"{side}_chars": chars,
            f"{side}_bytes": nbytes,
            f"{side}_words": nwords,
            f"{side}_chars_per_token": per(chars, total),
            f"{side}_bytes_per_token": per(nbytes, total),
            f"{side}_fertility": per(total, nwords),
            f"{side}_byte_fallback_rate": per(p, total),
            f"{side}_unk_rate": per(u, total),
        })
    row["signature"] = sig
    row["signature_string"] = signature_string(sig)
    return row


def _measure_one(
    corpus: Corpus, toks: Sequence[Tokenizer], settings: Settings, workers: int,
    progress: Callable[[int], None] | None,
) -> dict[str, list[dict[str, Any]]]:
    shared = _Shared()
    accs = {t.id: _Acc() for t in toks}
    dom_partial: dict[str, dict[str, list[int]]] = {t.id: {} for t in toks}
    chunk_iter = _chunks(corpus, shared)
    start = 0
    for result in count_chunks(toks, chunk_iter, add_special_tokens=settings.add_special_tokens,
                               workers=workers):
        n = 0
        for tid, (ko_c, en_c) in result.items():
            acc = accs[tid]
            acc.ko.tokens.extend(ko_c.tokens)
            n = len(ko_c.tokens)
            dp = dom_partial[tid]
            for j in range(n):
                d = dp.setdefault(shared.domains[start + j] or "-", [0, 0, 0, 0])
                d[0] += ko_c.partial[j]
                d[2] += ko_c.unk[j]
                if en_c is not None:
                    d[1] += en_c.partial[j]
                    d[3] += en_c.unk[j]
            if en_c is not None:
                acc.en.tokens.extend(en_c.tokens)
        start += n
        if progress:
            progress(n)
    out: dict[str, list[dict[str, Any]]] = {}
    domains = sorted(shared.per_domain)
    for tok in toks:
        acc = accs[tok.id]
        dp = dom_partial[tok.id]
        tot = [sum(v[i] for v in dp.values()) for i in range(4)]
        facts = (shared.ko_chars, shared.en_chars, shared.ko_bytes, shared.en_bytes,
                 shared.ko_words, shared.en_words)
        label = corpus.options.domain or "all"
        rows = [_row(tok, corpus, settings, acc, None, label, facts, (tot[0], tot[1]),
                     (tot[2], tot[3]))]
        if settings.by_domain and len(domains) > 1:
            for d in domains:
                idx = [i for i, x in enumerate(shared.domains) if (x or "-") == d]
                rows.append(_row(tok, corpus, settings, acc, idx, d, shared.per_domain[d],
                                 (dp[d][0], dp[d][1]), (dp[d][2], dp[d][3])))
        out[tok.id] = rows
    return out


def _nfc_inflation(corpus: Corpus, tok: Tokenizer) -> str | None:
    st = corpus.stats
    if not st.non_nfc or corpus.options.normalize == "nfc":
        return None
    sample = st.samples_non_nfc
    raw = sum(tok.count(sample))
    nfc = sum(tok.count([unicodedata.normalize("NFC", t) for t in sample]))
    grow = (raw / nfc - 1) * 100 if nfc else 0.0
    where = f"{st.first_non_nfc[0]}:{st.first_non_nfc[1]}" if st.first_non_nfc else corpus.name
    kind = "decomposed Hangul (NFD jamo)" if st.jamo else "not NFC"
    return (f"{corpus.name}: {st.non_nfc} texts are {kind} (first at {where}); on {tok.id} they "
            f"take {grow:.0f}% more tokens than in NFC — re-run with --normalize nfc")


def run_measure(
    corpora: Sequence[str | Corpus] | None = None,
    tokenizers: Sequence[str | Tokenizer] | None = None,
    *,
    read_options: ReadOptions | None = None,
    settings: Settings | None = None,
    use_cache: bool = True,
    workers: int = 1,
    progress_factory: Callable[[str, str], Callable[[int], None] | None] | None = None,
    download: bool = False,
    trust_remote_code: bool = False,
) -> MeasureResult:
    """Measure every tokenizer on every corpus. Results are cached on disk by tokenizer sha256,
    corpus sha256, tool version and options."""
    from tokcost import cache
    from tokcost.counting import load_many

    settings = settings or Settings()
    toks = [t for t in tokenizers or [] if isinstance(t, Tokenizer)]
    specs = [t for t in tokenizers or [] if isinstance(t, str)]
    if specs or not toks:
        toks += load_many(specs or None, download=download, trust_remote_code=trust_remote_code)
    rows: list[dict[str, Any]] = []
    warnings: list[str] = []
    for spec in corpora or DEFAULT_CORPORA:
        corpus = spec if isinstance(spec, Corpus) else open_corpus(spec, read_options)
        todo = []
        cached: dict[str, list[dict[str, Any]]] = {}
        for tok in toks:
            key = cache.measure_key(tok.sha256, tok.id, corpus.sha256(), corpus.options,
                                    settings.key())
            hit = cache.load(key) if use_cache else None
            if hit is not None:
                cached[tok.id] = hit["rows"]
                warnings.extend(hit.get("warnings", []))
            else:
                todo.append((tok, key))
        if todo:
            cb = progress_factory(corpus.name, ", ".join(t.id for t, _ in todo)) \
                if progress_factory else None
            fresh = _measure_one(corpus, [t for t, _ in todo], settings, workers, cb)
            note = _nfc_inflation(corpus, todo[0][0])
            extra = [note] if note else []
            warnings.extend(extra)
            for tok, key in todo:
                cached[tok.id] = fresh[tok.id]
                if use_cache:
                    cache.store(key, {"rows": fresh[tok.id], "warnings": extra})
        for tok in toks:
            rows.extend(cached[tok.id])
    return MeasureResult(rows, list(dict.fromkeys(warnings)))


def measure(
    corpora: Sequence[str | Corpus] | None = None,
    tokenizers: Sequence[str | Tokenizer] | None = None,
    *,
    dataframe: bool = False,
    **kwargs: Any,
):
    """Library API: the same rows as ``tokcost measure --format json`` (a list of dicts), or a
    pandas DataFrame with ``dataframe=True``."""
    result = run_measure(corpora, tokenizers, **kwargs)
    return result.dataframe() if dataframe else result.rows
