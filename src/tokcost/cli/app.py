"""``tokcost`` — the root command. Keep imports here light: ``tokcost --help`` must be instant."""

from __future__ import annotations

import sys
from typing import Annotated

import click
import typer
from typer.core import TyperGroup

from tokcost._version import __version__
from tokcost.cli import count_cmd, tokenizers_cmd
from tokcost.errors import TokcostError


class _Group(TyperGroup):
    """Turns a TokcostError anywhere below into one line on stderr and its exit code."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except TokcostError as err:
            click.echo(f"tokcost: error: {err.render()}", err=True)
            ctx.exit(err.exit_code)


app = typer.Typer(
    name="tokcost",
    cls=_Group,
    help="What Korean text really costs on today's language models: exact token counts on real "
    "tokenizers, Korean/English ratios with confidence intervals, and money in USD and KRW.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"tokcost {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """tokcost measures Korean token cost instead of quoting it."""


app.add_typer(tokenizers_cmd.app, name="tokenizers")
count_cmd.register(app)


def _register_optional() -> None:
    """Command modules added by later layers register themselves here."""
    import importlib

    for name in ("corpora_cmd", "measure_cmd", "pricing_cmd", "cost_cmd", "report_cmd",
                 "check_cmd", "diagnostics_cmd"):
        try:
            mod = importlib.import_module(f"tokcost.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tokcost.cli.{name}":
                raise
            continue
        mod.register(app)


_register_optional()


def main() -> None:
    try:
        app()
    except TokcostError as err:
        sys.stderr.write(f"tokcost: error: {err.render()}\n")
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("tokcost: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
