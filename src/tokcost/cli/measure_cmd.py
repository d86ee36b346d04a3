"""``tokcost measure`` and ``tokcost validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tokcost.cli.common import (
    CorpusOpt,
    DomainOpt,
    DownloadOpt,
    EnColOpt,
    Errors,
    ErrorsOpt,
    Fmt,
    ForceOpt,
    KoColOpt,
    Normalize,
    NormalizeOpt,
    OutOpt,
    SpecialOpt,
    SplitOpt,
    TokOpt,
    TrustOpt,
    parse_workers,
    quiet_progress,
    read_options,
)

EngineOpt = Annotated[
    str,
    typer.Option("--engine", help="Where to count: local (this machine; --workers processes) or "
                 "dask (a Dask cluster: --cluster ADDRESS, or local worker processes). "
                 "Results are identical. Needs `pip install 'tokcost[dask]'`. See docs/scale.md."),
]
ClusterOpt = Annotated[
    str | None,
    typer.Option("--cluster", help="Distributed scheduler address (tcp://HOST:8786) or scheduler "
                 "file; default: start workers on this machine."),
]

WorkersReadOpt = Annotated[
    bool | None,
    typer.Option("--workers-read/--client-reads",
                 help="With --engine dask and a corpus of several files (a glob, the shipped "
                 "samples): the workers read whole files themselves (they must see them at the "
                 "same paths), or this process reads and sends them chunks. Default: workers read "
                 "on a cluster started here, this process reads for --cluster. Same results."),
]

TABLE_COLUMNS = [
    ("tokenizer", "tokenizer"), ("corpus", "corpus"), ("pairs", "pairs"),
    ("ratio_ci", "ko/en ratio (95% CI)"), ("ko_tokens_per_sentence_mean", "ko tok/sent"),
    ("en_tokens_per_sentence_mean", "en tok/sent"), ("ko_chars_per_token", "ko chars/tok"),
    ("ko_byte_fallback_rate", "ko byte-fallback"),
]


def progress_factory():
    """A rich progress bar per corpus on a terminal; nothing when piped or in CI."""
    if quiet_progress():
        return None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[unit]}"), TimeElapsedColumn(), TextColumn("ETA"),
                        TimeRemainingColumn(), transient=True)

    def make(corpus: str, toks: str, total: int | None = None):
        """``total`` is the corpus's line count: an estimate of its records (``≈``)."""
        progress.start()
        unit = "records" if total is None else "records (≈)"  # total: the lines
        task = progress.add_task(f"{corpus} × {toks[:40]}", total=total, unit=unit)

        def advance(n: int) -> None:
            progress.advance(task, n)

        return advance

    return make, progress


def present(rows: list[dict], fmt: Fmt, output: Path | None, force: bool, warnings: list[str],
            domain_rows: bool, engine: str = "local") -> None:
    from tokcost.measurement import SCHEMA
    from tokcost.output import Output, emit

    if fmt is Fmt.json:
        emit(Output(SCHEMA, rows, meta={"warnings": warnings, "engine": engine},
                    warnings=warnings), "json", output, force)
        return
    if fmt is Fmt.csv:
        flat = [{k: v for k, v in r.items() if k != "signature"} for r in rows]
        emit(Output(SCHEMA, flat, warnings=warnings), "csv", output, force)
        return
    shown = sorted(rows, key=lambda r: (r["domain"] != "all" and domain_rows,
                                        r["ratio"] if r["ratio"] is not None else 1e9))
    for r in shown:
        if r["ratio"] is not None and r["ratio_ci_low"] is not None:
            r["ratio_ci"] = (f"{r['ratio']:.3f} [{r['ratio_ci_low']:.3f}–{r['ratio_ci_high']:.3f}]")
        elif r["ratio"] is not None:
            r["ratio_ci"] = f"{r['ratio']:.3f} [no CI: {r['pairs']} pairs]"
        else:
            r["ratio_ci"] = "mono"
        label = r["tokenizer"] + (" (KR)" if r["korean_trained"] else "")
        if r["proxy_of"]:
            label += f" ≈{r['proxy_of']}"
        if r.get("identity") == "unverified":  # a file that is not its catalog identity
            label += " (unverified)"
        r["tokenizer"] = label
        if r["domain"] not in ("all", None):
            r["corpus"] = f"{r['corpus']}/{r['domain']}"
    sigs = sorted({r["signature_string"] for r in rows})
    emit(Output(SCHEMA, shown, TABLE_COLUMNS, warnings=warnings,
                title=None if fmt is Fmt.markdown
                else "Korean/English token ratio (lower is cheaper for Korean)",
                footer=sigs if fmt is Fmt.markdown else []), fmt.value, output, force)


def register(app: typer.Typer) -> None:
    @app.command()
    def measure(
        corpus: CorpusOpt = None,
        tokenizer: TokOpt = None,
        domain: DomainOpt = None,
        by_domain: Annotated[bool, typer.Option("--by-domain", help="Add a row per domain.")] = False,
        fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.table,
        output: OutOpt = None,
        force: ForceOpt = False,
        normalize: NormalizeOpt = Normalize.none,
        errors: ErrorsOpt = Errors.strict,
        ko_column: KoColOpt = "ko",
        en_column: EnColOpt = "en",
        split: SplitOpt = "dev",
        add_special_tokens: SpecialOpt = False,
        resamples: Annotated[int, typer.Option(help="Bootstrap resamples for the CI.")] = 1000,
        seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
        workers: Annotated[str, typer.Option(
            help="Worker processes: auto (a process per CPU when the input is large enough to pay "
            "for starting them, else 1; see docs/performance.md), or N (1 = in this process; N = "
            "this process and N-1 spawned workers; with --engine dask and no --cluster, the local "
            "cluster's size, 1 = one per CPU).")] = "auto",
        engine: EngineOpt = "local",
        cluster: ClusterOpt = None,
        workers_read: WorkersReadOpt = None,
        no_cache: Annotated[bool, typer.Option(
            "--no-cache", help="Ignore cached results, and re-hash the input files.")] = False,
        download: DownloadOpt = False,
        trust_remote_code: TrustOpt = False,
    ) -> None:
        """Tokens per Korean vs English sentence per tokenizer × corpus, with the Korean/English
        ratio and its 95 % bootstrap confidence interval.

        Defaults: the shipped corpora and every tokenizer available offline."""
        from contextlib import nullcontext

        from tokcost.cli.validate_opts import whole
        from tokcost.engines import check_engine
        from tokcost.errors import TokcostError
        from tokcost.hashing import memo_disabled
        from tokcost.measurement import Settings, run_measure
        from tokcost.metrics.bootstrap import MAX_RESAMPLES

        whole("--resamples", resamples, hi=MAX_RESAMPLES)
        whole("--seed", seed, lo=0, hi=2**63 - 1)
        check_engine(engine)
        if workers_read is not None and engine == "local":
            flag = "--workers-read" if workers_read else "--client-reads"
            raise TokcostError(f"{flag} needs a distributed engine",
                               hint="add --engine dask, or drop the flag")
        n_workers = parse_workers(workers)
        opts = read_options(errors=errors, normalize=normalize, ko_column=ko_column,
                            en_column=en_column, split=split, domain=domain)
        pf = progress_factory()
        try:
            # --no-cache also re-hashes the input files (no sha256 memo)
            with memo_disabled() if no_cache else nullcontext():
                result = run_measure(
                    corpus, tokenizer, read_options=opts,
                    settings=Settings(add_special_tokens=add_special_tokens, resamples=resamples,
                                      seed=seed, by_domain=by_domain, workers_read=workers_read),
                    use_cache=not no_cache, workers=n_workers,
                    progress_factory=pf[0] if pf else None, download=download,
                    trust_remote_code=trust_remote_code, engine=engine, cluster=cluster,
                )
        finally:
            if pf:
                pf[1].stop()
        present(result.rows, fmt, output, force, result.warnings, by_domain, engine)

    @app.command()
    def validate(
        flores: Annotated[
            Path | None, typer.Option("--flores", help="FLORES-200 root (dev/, devtest/).")
        ] = None,
        fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.table,
    ) -> None:
        """Reproduce published token counts on FLORES-200; exit 1 on any mismatch."""
        import os

        from tokcost.errors import TokcostError
        from tokcost.output import Output, emit
        from tokcost.reproduce import run_checks

        root = flores or (Path(os.environ["TOKCOST_FLORES_DIR"])
                          if os.environ.get("TOKCOST_FLORES_DIR") else None)
        if root is None:
            raise TokcostError("no FLORES-200 directory given",
                               hint="pass --flores DIR (with dev/ and devtest/) "
                               "or set TOKCOST_FLORES_DIR")
        rows = [c.as_dict() for c in run_checks(root)]
        cols = [("tokenizer", "tokenizer"), ("split", "split"), ("method", "method"),
                ("published_ko", "published ko"), ("tokcost_ko", "tokcost ko"),
                ("published_en", "published en"), ("tokcost_en", "tokcost en"),
                ("match", "match"), ("source", "source")]
        emit(Output("tokcost/validate/1", rows, cols,
                    title="Published figures vs tokcost" if fmt is Fmt.table else None),
             fmt.value)  # csv was printed as a table before
        if not all(r["match"] for r in rows):
            raise typer.Exit(1)
