"""``tokcost corpora list|validate|show``."""

from __future__ import annotations

from typing import Annotated

import typer

from tokcost.cli.common import (
    EnColOpt,
    Errors,
    ErrorsOpt,
    KoColOpt,
    ListFmt,
    Normalize,
    SplitOpt,
    read_options,
)

app = typer.Typer(help="Korean–English corpora: the shipped samples and your own files.",
                  no_args_is_help=True)


@app.command("list")
def list_(fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table) -> None:
    """Shipped corpora with pair counts per domain."""
    from tokcost.corpora.listing import shipped_corpora
    from tokcost.output import Output, emit

    rows = shipped_corpora()
    emit(Output("tokcost/corpora-list/1", rows,
                [("name", "name"), ("domain", "domain"), ("pairs", "pairs")]), fmt.value)


@app.command()
def validate(
    path: Annotated[str, typer.Argument(help="A corpus spec: file, KO,EN pair, FLORES dir, name.")],
    ko_column: KoColOpt = "ko",
    en_column: EnColOpt = "en",
    split: SplitOpt = "dev",
    errors: ErrorsOpt = Errors.strict,
    max_problems: Annotated[int, typer.Option(help="Stop after this many problems.")] = 100,
) -> None:
    """Check a corpus; print every problem (file:line: what, how to fix) and a summary.

    Exit 0 when clean, 1 when not."""
    from tokcost.corpora import open_corpus
    from tokcost.corpora.validate import validate_corpus

    opts = read_options(errors=errors, ko_column=ko_column, en_column=en_column, split=split)
    report = validate_corpus(open_corpus(path, opts), max_problems=max_problems)
    import sys

    for e in report.errors:
        sys.stderr.write(f"error: {e}\n")
    for w in report.warnings:
        sys.stderr.write(f"warning: {w}\n")
    doms = ", ".join(f"{d} {n}" for d, n in sorted(report.domains.items()))
    status = "OK" if report.ok else f"{len(report.errors)} problem(s)"
    print(f"{report.corpus} ({report.kind}): {report.records} pairs"
          f"{' — ' + doms if doms and doms != f'- {report.records}' else ''}: {status}")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="Corpus spec (e.g. samples, samples/law, a file).")],
    domain: Annotated[str | None, typer.Option("--domain", help="Only this domain.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="Pairs to show.")] = 10,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table,
    normalize: Annotated[Normalize, typer.Option("--normalize")] = Normalize.none,
) -> None:
    """Print the first pairs of a corpus."""
    from tokcost.corpora import open_corpus
    from tokcost.corpora.listing import pair_rows
    from tokcost.output import Output, emit

    corpus = open_corpus(name, read_options(normalize=normalize, domain=domain))
    rows = pair_rows(corpus, limit)
    emit(Output("tokcost/corpora-show/1", rows, [("id", "id"), ("domain", "domain"),
                                                 ("ko", "Korean"), ("en", "English")],
                meta={"corpus": corpus.name}), fmt.value)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="corpora")
