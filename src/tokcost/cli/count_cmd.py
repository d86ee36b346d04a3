"""``tokcost count``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tokcost.cli.common import (
    DownloadOpt,
    ListFmt,
    SpecialOpt,
    TokOpt,
    TrustOpt,
    print_table,
    write_output,
)

SCHEMA = "tokcost/count/1"


def register(app: typer.Typer) -> None:
    @app.command()
    def count(
        text: Annotated[str | None, typer.Argument(help="Text to count; '-' reads stdin.")] = None,
        files: Annotated[
            list[Path] | None, typer.Option("--file", help="Count a whole file ('-' = stdin).")
        ] = None,
        tokenizer: TokOpt = None,
        fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table,
        add_special_tokens: SpecialOpt = False,
        download: DownloadOpt = False,
        trust_remote_code: TrustOpt = False,
    ) -> None:
        """Token counts per tokenizer for a text, files or stdin, with chars and bytes per token."""
        from tokcost.corpora.base import read_text_file
        from tokcost.counting import count_texts, load_many
        from tokcost.errors import TokcostError
        from tokcost.render import rich_table, to_json

        inputs: list[tuple[str, str]] = []
        if text is not None:
            inputs.append(("stdin", sys.stdin.read()) if text == "-" else ("text", text))
        for f in files or []:
            inputs.append(("stdin", sys.stdin.read()) if str(f) == "-" else (str(f), read_text_file(f)))
        if not inputs:
            if sys.stdin.isatty():
                raise TokcostError("nothing to count", hint="give TEXT, --file PATH or pipe stdin")
            inputs.append(("stdin", sys.stdin.read()))
        toks = load_many(tokenizer, download=download, trust_remote_code=trust_remote_code)
        rows = [r.as_dict() for r in count_texts(inputs, toks,
                                                 add_special_tokens=add_special_tokens)]
        if fmt is ListFmt.json:
            write_output(to_json(SCHEMA, rows), None, False)
            return
        for r in rows:
            if r["proxy_of"]:
                r["tokenizer"] = f"{r['tokenizer']} (proxy: {r['proxy_of']})"
        cols = [("tokenizer", "tokenizer"), ("tokens", "tokens"), ("chars", "chars"),
                ("bytes", "bytes"), ("chars_per_token", "chars/token"),
                ("bytes_per_token", "bytes/token")]
        if len(inputs) > 1:
            cols.insert(1, ("input", "input"))
        print_table(rich_table(rows, cols))
