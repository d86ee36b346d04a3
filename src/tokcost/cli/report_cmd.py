"""``tokcost report``: the main job in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tokcost.cli.common import CorpusOpt, ForceOpt, TokOpt, parse_workers, quiet_progress
from tokcost.cli.cost_cmd import ModelOpt
from tokcost.cli.pricing_cmd import (
    AsOfOpt,
    ExtraPricesOpt,
    FxOpt,
    GpuHourlyOpt,
    PricingFilesOpt,
    PromptThroughputOpt,
    ThroughputOpt,
    VatOpt,
    parse_date,
    tables_from_options,
)


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
        out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the report to.")]
        = Path("tokcost-report"),
        corpus: CorpusOpt = None,
        tokenizer: TokOpt = None,
        model: ModelOpt = None,
        request: Annotated[
            Path | None, typer.Option("--request", help="Chat requests that make a 'typical "
                                      "request' (default: the shipped multi-turn requests).")
        ] = None,
        output_tokens: Annotated[
            int, typer.Option("--output-tokens", help="Answer length in English tokens.")
        ] = 500,
        requests_per_day: Annotated[
            float, typer.Option("--requests-per-day", help="Traffic for the monthly budget table.")
        ] = 1000,
        as_of: AsOfOpt = None,
        fx: FxOpt = None,
        vat: VatOpt = False,
        pricing: PricingFilesOpt = None,
        extra_prices: ExtraPricesOpt = None,
        gpu_hourly: GpuHourlyOpt = None,
        throughput: ThroughputOpt = None,
        prompt_throughput: PromptThroughputOpt = None,
        workers: Annotated[str, typer.Option(
            help="Processes for measuring: auto (a process per CPU when the corpora are large "
            "enough to pay for starting them, else 1), or N (1 = in this process).")] = "auto",
        no_cache: Annotated[
            bool, typer.Option("--no-cache", help="Ignore cached results, and re-hash the input files.")
        ] = False,
        force: ForceOpt = False,
        timings: Annotated[
            bool, typer.Option("--timings", help="Print the time spent per stage.")
        ] = False,
        no_diagnostics: Annotated[
            bool, typer.Option("--no-diagnostics", help="Skip the Korean diagnostics (Hangul "
                               "coverage, fertility, morphemes); a corpus over 5,000 pairs is "
                               "diagnosed on a uniform sample of 5,000.")
        ] = False,
    ) -> None:
        """Measure and cost the corpora (default: the shipped ones) on every available tokenizer
        and priced model; write report.html (self-contained, with charts), report.md,
        results.json, results.csv and cost.csv to --out."""
        from rich.console import Console

        from tokcost.report import ReportOptions, Timings, write_report

        tables = tables_from_options(pricing, extra_prices, gpu_hourly, throughput,
                                     prompt_throughput)
        opts = ReportOptions(corpora=corpus, tokenizers=tokenizer, models=model, requests=request,
                             output_tokens=output_tokens, requests_per_day=requests_per_day,
                             as_of=parse_date(as_of), fx=fx, vat=vat, tables=tables,
                             workers=parse_workers(workers), use_cache=not no_cache,
                             diagnostics=not no_diagnostics)
        from contextlib import nullcontext

        from tokcost.hashing import memo_disabled

        err = Console(stderr=True)
        tm = Timings()
        status = nullcontext() if quiet_progress() else err.status("measuring and costing…")
        with memo_disabled() if no_cache else nullcontext(), status:
            files = write_report(out, opts, force=force, timings=tm)
        for name, path in files.items():
            typer.echo(f"wrote {path}" if name != "report.html" else f"wrote {path}  ← open this")
        if timings:
            for stage, secs in tm.stages.items():
                err.print(f"  {stage:<16} {secs:7.2f} s")
            err.print(f"  {'total':<16} {tm.total:7.2f} s")
