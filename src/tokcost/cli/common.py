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


def quiet_progress() -> bool:
    """No progress bars when output is not a terminal or CI is set."""
    return bool(os.environ.get("CI")) or not sys.stderr.isatty()


def write_output(text: str, output: Path | None, force: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists() and not force:
        raise TokcostError(f"{output} exists", hint="pass --force to overwrite it")
    from tokcost.paths import atomic_write_bytes

    atomic_write_bytes(output, text.encode("utf-8"))


def print_table(table: Any) -> None:
    from rich.console import Console

    Console().print(table)


def warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")
