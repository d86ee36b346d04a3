"""``tokcost report``: the main job in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tokcost.cli import common
from tokcost.cli.common import CorpusOpt, ForceOpt, TokOpt, parse_workers, quiet_progress
from tokcost.cli.cost_cmd import MaxAgeOpt, ModelOpt
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
from tokcost.costing import DEFAULT_OUTPUT_CHARS, DEFAULT_OUTPUT_TOKENS

#: The report's stages in order (tokcost.report.collect.Timings names), for the progress bar.
STAGES = ("load tokenizers", "measure", "cost", "budget", "diagnostics", "charts", "write")


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
        ctx: typer.Context,
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
        ] = DEFAULT_OUTPUT_TOKENS,
        requests_per_day: Annotated[
            float, typer.Option("--requests-per-day", help="Workload of the budget headline: "
                                "requests a day ([workload] in tokcost.toml).")
        ] = 1000,
        days: Annotated[int, typer.Option("--days", help="Days in the budget month.")] = 30,
        input_chars: Annotated[
            int, typer.Option("--input-chars", help="Korean characters in per request.")] = 2000,
        output_chars: Annotated[
            int, typer.Option("--output-chars", help="Korean characters out per request.")
        ] = DEFAULT_OUTPUT_CHARS,
        shortlist: Annotated[
            list[str] | None, typer.Option(
                "--shortlist", "-s", help="Models of interest for the budget headline (repeatable; "
                "default: the --model list, else the cheapest model of each provider).")] = None,
        lang: Annotated[
            str | None, typer.Option("--lang", help="Report language: en or ko (default: ko "
                                     "when the locale is Korean, else en).")] = None,
        as_of: AsOfOpt = None,
        fx: FxOpt = None,
        vat: VatOpt = False,
        max_price_age: MaxAgeOpt = 180,
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
        pull: Annotated[
            bool, typer.Option("--pull", help="First download every public Korean-trained "
                               "tokenizer into the cache (as tokcost tokenizers pull --korean); "
                               "one that fails is reported and left out.")
        ] = False,
        no_diagnostics: Annotated[
            bool, typer.Option("--no-diagnostics", help="Skip the Korean diagnostics (Hangul "
                               "coverage, fertility, morphemes); a corpus over 5,000 pairs is "
                               "diagnosed on a uniform sample of 5,000.")
        ] = False,
    ) -> None:
        """Measure and cost the corpora (default: the shipped ones) on every available tokenizer
        and priced model; write report.html (self-contained, with charts; opens with the monthly
        budget of the workload), report.md, results.json, results.csv, cost.csv, budget.csv and
        results.xlsx to --out. A second run replaces the tool's own previous report there."""
        from rich.console import Console

        from tokcost.errors import TokcostError
        from tokcost.report import ReportOptions, Timings, check_out_dir, write_report
        from tokcost.report.i18n import LANGS, default_lang

        language = lang or default_lang()
        if language not in LANGS:
            raise TokcostError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
        wl_keys = ("requests_per_day", "days", "input_chars", "output_chars", "shortlist")
        sources = {getattr(ctx.get_parameter_source(k), "name", "") for k in wl_keys}
        if "COMMANDLINE" in sources:
            wsrc = "command-line flags"
        elif "DEFAULT_MAP" in sources:
            from tokcost.config import find_config

            wsrc = str(find_config() or "tokcost.toml")
        else:
            wsrc = None
        check_out_dir(out, force)  # before the long work

        if pull:
            from tokcost.cli.tokenizers_cmd import pull_progress
            from tokcost.tokenizers.pull import korean_entries, pull_many

            pull_many(korean_entries(), progress=pull_progress)
        tables = tables_from_options(pricing, extra_prices, gpu_hourly, throughput,
                                     prompt_throughput)
        opts = ReportOptions(corpora=corpus, tokenizers=tokenizer, models=model, requests=request,
                             output_tokens=output_tokens, requests_per_day=requests_per_day,
                             days=days, input_chars=input_chars, output_chars=output_chars,
                             shortlist=shortlist, workload_source=wsrc, lang=language,
                             as_of=parse_date(as_of), fx=fx, vat=vat, tables=tables,
                             max_price_age_days=max_price_age,
                             workers=parse_workers(workers), use_cache=not no_cache,
                             diagnostics=not no_diagnostics)
        from contextlib import nullcontext

        from tokcost.hashing import memo_disabled

        err = Console(stderr=True)
        tm = Timings()
        progress = None
        if not quiet_progress():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("ETA"), TimeRemainingColumn(), console=err,
                                transient=True)
            task = progress.add_task("report", total=len(STAGES))

            def on_stage(name: str) -> None:
                done = STAGES.index(name) if name in STAGES else 0
                progress.update(task, completed=done, description=f"report: {name}")

            tm.on_stage = on_stage
        with memo_disabled() if no_cache else nullcontext(), progress or nullcontext():
            files = write_report(out, opts, force=force, timings=tm)
        for name, path in files.items():
            common.info(f"wrote {path}" if name != "report.html" else f"wrote {path}  ← open this")
        if timings or common.VERBOSITY > 0:
            for stage, secs in tm.stages.items():
                err.print(f"  {stage:<16} {secs:7.2f} s")
            err.print(f"  {'total':<16} {tm.total:7.2f} s")
