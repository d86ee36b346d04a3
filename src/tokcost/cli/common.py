"""Shared CLI pieces: options, output, the one-line error path."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from tokcost.errors import TokcostError


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class ListFmt(str, Enum):
    table = "table"
    json = "json"


TokOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tokenizer", "-t",
        help="Catalog id, hf:ORG/REPO, tiktoken:NAME, a path, or ID=PATH. Repeatable. "
        "Default: every tokenizer available offline.",
    ),
]
OutOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")]
DownloadOpt = Annotated[
    bool, typer.Option("--download", help="Download missing tokenizers (network).")
]
TrustOpt = Annotated[
    bool,
    typer.Option("--trust-remote-code", help="Allow a tokenizer repository's own Python code to run."),
]
SpecialOpt = Annotated[
    bool,
    typer.Option("--add-special-tokens", help="Count BOS/EOS tokens too (default: content only)."),
]


#: -1 with ``tokcost -q``, 0 by default, 1+ with ``-v`` (set by the root command).
VERBOSITY = 0


def quiet_progress() -> bool:
    """No progress bars with -q, when output is not a terminal, or when CI is set."""
    return VERBOSITY < 0 or bool(os.environ.get("CI")) or not sys.stderr.isatty()


def info(message: str) -> None:
    """A line for the user on stdout, left out with ``-q``."""
    if VERBOSITY >= 0:
        typer.echo(message)


def write_output(text: str, output: Path | None, force: bool) -> None:
    """``text`` to stdout or ``output``, as :func:`tokcost.output.write_text` writes it."""
    from tokcost.output import write_text

    write_text(text, output, force)


def print_table(table: Any) -> None:
    """A rich table; piped (not a terminal), it keeps its natural width instead of the 80 columns
    rich assumes, so cells do not wrap mid-word."""
    from rich.console import Console

    if sys.stdout.isatty():
        Console().print(table)
        return
    console = Console(width=100_000, soft_wrap=True)
    width = console.measure(table).maximum
    Console(width=max(40, width)).print(table)


def warn(message: str) -> None:
    from tokcost.errors import one_line

    sys.stderr.write(f"warning: {one_line(message)}\n")


class Normalize(str, Enum):
    none = "none"
    nfc = "nfc"


class Errors(str, Enum):
    strict = "strict"
    replace = "replace"  # type: ignore[assignment]  # the CLI value; shadows str.replace


CorpusOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--corpus", "-c",
        help="Shipped name (samples, samples/DOMAIN), a .jsonl/.csv/.tsv pair file, "
        "KO_FILE,EN_FILE, a FLORES directory, mono:FILE, or - for stdin; a quoted glob "
        "('logs/**/*.jsonl', 'mono:logs/*.txt') reads many files as one corpus. Repeatable.",
    ),
]
DomainOpt = Annotated[str | None, typer.Option("--domain", help="Only pairs of this domain.")]
NormalizeOpt = Annotated[
    Normalize,
    typer.Option("--normalize", help="Unicode normalisation before counting (recorded in results)."),
]
ErrorsOpt = Annotated[
    Errors, typer.Option("--errors", help="Invalid UTF-8: stop (strict) or replace and go on.")
]
KoColOpt = Annotated[str, typer.Option("--ko-column", help="Korean column in JSONL/CSV.")]
EnColOpt = Annotated[str, typer.Option("--en-column", help="English column in JSONL/CSV.")]
SplitOpt = Annotated[str, typer.Option("--split", help="FLORES split: dev, devtest or all.")]


def read_options(
    *, errors: Errors = Errors.strict, normalize: Normalize = Normalize.none,
    ko_column: str = "ko", en_column: str = "en", split: str = "dev", domain: str | None = None,
):
    from tokcost.corpora import ReadOptions

    return ReadOptions(errors=errors.value, normalize=normalize.value, ko_column=ko_column,
                       en_column=en_column, split=split, domain=domain)


def parse_workers(value: str) -> int | str:
    """``auto`` or a positive whole number; anything else is a one-line error."""
    v = value.strip().lower()
    if v == "auto":
        return "auto"
    if v.isdigit() and int(v) >= 1:
        return int(v)
    raise TokcostError(f"--workers must be auto or a positive whole number, not {value!r}",
                       hint="e.g. --workers auto, --workers 1, --workers 4")
