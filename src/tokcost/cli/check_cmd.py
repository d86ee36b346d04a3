"""``tokcost check`` (the CI gate) and ``tokcost diff`` (any two result files)."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tokcost.cli.common import DownloadOpt, ForceOpt, OutOpt, warn, write_output

if TYPE_CHECKING:
    from tokcost.gate.check import CheckOutcome


class CheckFmt(str, Enum):
    markdown = "markdown"
    table = "table"
    json = "json"


class DiffFmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def _append_step_summary(text: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from tokcost.errors import TokcostError

    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        raise TokcostError(f"cannot append to $GITHUB_STEP_SUMMARY: {exc.strerror}",
                           path=target) from None


def _print_check_tables(outcome: CheckOutcome) -> None:
    from tokcost.gate.compare import check_output
    from tokcost.gate.prompts import prompts_output
    from tokcost.output import emit

    if outcome.comparison is not None:
        verdict = "passed" if outcome.comparison.passed else "FAILED"
        emit(check_output([r.as_dict() for r in outcome.comparison.rows], fmt="table",
                          title=f"tokcost check: {verdict} (baseline {outcome.baseline_path})"),
             "table")
    if outcome.prompts is not None:
        emit(prompts_output([p.as_dict() for p in outcome.prompts], fmt="table"), "table")
    for note in outcome.notes:
        typer.echo(note)


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        baseline: Annotated[
            Path | None, typer.Option("--baseline", "-b", help="The committed baseline results "
                                      "(default: baseline in [check] of tokcost.toml).")
        ] = None,
        results: Annotated[
            Path | None, typer.Option("--results", help="Compare this result file (tokcost "
                                      "report/measure/cost/budget JSON) instead of measuring now.")
        ] = None,
        max_ratio_increase: Annotated[
            float | None, typer.Option("--max-ratio-increase", metavar="PCT", min=0,
                                       help="Fail when a Korean/English ratio rises more than PCT "
                                       "percent over the baseline (default 5).")
        ] = None,
        max_cost_increase: Annotated[
            float | None, typer.Option("--max-cost-increase", metavar="PCT", min=0,
                                       help="Fail when a cost rises more than PCT percent over the "
                                       "baseline (default 10).")
        ] = None,
        max_ratio: Annotated[
            float | None, typer.Option("--max-ratio", metavar="R", min=0,
                                       help="Fail when any current ratio is above R.")
        ] = None,
        prompts: Annotated[
            list[str] | None, typer.Option("--prompts", metavar="GLOB",
                                           help="Prompt files to hold to --max-tokens (quote it; "
                                           "** matches any depth). Repeatable.")
        ] = None,
        max_tokens: Annotated[
            int | None, typer.Option("--max-tokens", metavar="N", min=1,
                                     help="Token budget of each prompt file.")
        ] = None,
        model: Annotated[
            list[str] | None, typer.Option("--model", "-m", help="Model id from the price tables "
                                           "(its own tokenizer counts prompts; its cost is "
                                           "measured). Repeatable.")
        ] = None,
        tokenizer: Annotated[
            list[str] | None, typer.Option("--tokenizer", "-t", help="Tokenizer to measure or to "
                                           "count prompts with. Repeatable.")
        ] = None,
        corpus: Annotated[
            list[str] | None, typer.Option("--corpus", "-c", help="Corpus to measure (as in "
                                           "tokcost measure). Repeatable.")
        ] = None,
        config: Annotated[
            Path | None, typer.Option("--config", help="Configuration file (default: tokcost.toml "
                                      "or [tool.tokcost] in pyproject.toml, here or upward).")
        ] = None,
        junit: Annotated[
            Path | None, typer.Option("--junit", metavar="FILE",
                                      help="Also write JUnit XML: one testcase per metric.")
        ] = None,
        update_baseline: Annotated[
            bool, typer.Option("--update-baseline", help="Measure and write the baseline (exit 0); "
                               "an existing one is replaced only with --force. Commit it afterwards.")
        ] = False,
        fmt: Annotated[CheckFmt, typer.Option("--format", "-f", help="Output format.")]
            = CheckFmt.markdown,
        force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --junit file; "
                                            "let --update-baseline replace an existing baseline "
                                            "(never a file that is not one).")]
            = False,
        download: DownloadOpt = False,
        as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE",
                                                  help="Prices and FX of this date, YYYY-MM-DD "
                                                  "(default: today).")] = None,
    ) -> None:
        """Compare results with a committed baseline and hold prompts to token budgets.

        Exit 0 within the limits, 1 on a regression (or a prompt over budget, or a baseline row
        missing now), 2 on a usage or input error. Prints a Markdown diff table and appends it to
        $GITHUB_STEP_SUMMARY when set. With no flags, tokcost.toml decides what is checked."""
        from tokcost.cli.pricing_cmd import parse_date
        from tokcost.config import load_config
        from tokcost.gate.check import CheckRequest, run_check
        from tokcost.gate.junit import junit_xml

        req = CheckRequest(
            config=load_config(config), baseline=baseline, results=results,
            max_ratio_increase=max_ratio_increase, max_cost_increase=max_cost_increase,
            max_ratio=max_ratio, prompts=prompts, max_tokens=max_tokens, corpora=corpus,
            tokenizers=tokenizer, models=model, update_baseline=update_baseline,
            download=download, force=force, as_of=parse_date(as_of) if as_of else None)
        outcome = run_check(req)
        markdown = outcome.markdown()
        if fmt is CheckFmt.json:
            write_output(outcome.as_json(), None, False)
        elif fmt is CheckFmt.table:
            _print_check_tables(outcome)
        else:
            write_output(markdown, None, False)
        for w in (outcome.current_doc or {}).get("warnings") or []:
            warn(str(w))
        _append_step_summary(markdown)
        if junit is not None:
            write_output(junit_xml(outcome.comparison, outcome.prompts), junit, force)
        if not outcome.passed:
            raise typer.Exit(1)

    @app.command()
    def diff(
        old: Annotated[Path, typer.Argument(metavar="OLD", help="The older result file (JSON).")],
        new: Annotated[Path, typer.Argument(metavar="NEW", help="The newer result file (JSON).")],
        fmt: Annotated[DiffFmt, typer.Option("--format", "-f", help="Output format.")]
            = DiffFmt.table,
        changed: Annotated[bool, typer.Option("--changed", help="Only metrics that changed.")]
            = False,
        output: OutOpt = None,
        force: ForceOpt = False,
    ) -> None:
        """Per-metric old, new and change between any two tokcost result files (report, measure,
        cost or budget JSON): ratios per tokenizer × corpus, costs per model."""
        from tokcost.gate.compare import diff_output, diff_rows
        from tokcost.gate.results import load_results
        from tokcost.output import emit

        rows = diff_rows(load_results(old), load_results(new))
        if changed:
            rows = [r for r in rows if r["status"] != "same"]
        emit(diff_output(rows, fmt=fmt.value, title=f"{old} → {new}" if fmt is DiffFmt.table
                         else None, old=str(old), new=str(new)), fmt.value, output, force)
