"""``tokcost`` — the root command. Keep imports here light: ``tokcost --help`` must be instant.

The commands are built lazily (click's "LazyGroup" pattern): the root app holds only the ``--version``
callback, and :class:`_Group` imports a command's module, lets its ``register(app)`` define the command
on a private :class:`typer.Typer` and converts that to click commands only when the command is looked up,
so ``tokcost measure …`` neither imports nor builds the other commands. ``tokcost --help`` looks up every
command, in :data:`COMMANDS` order.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.main import get_group

from tokcost._version import __version__
from tokcost.errors import TokcostError

#: Every command name -> the module in ``tokcost.cli`` whose ``register(app)`` defines it, in the order
#: ``tokcost --help`` lists them (typer's order: plain commands, then the sub-apps). A new command
#: module must be added here; tests/test_cli_lazy.py checks this map against what the modules register.
COMMANDS: dict[str, str] = {
    "count": "count_cmd",
    "measure": "measure_cmd",
    "validate": "measure_cmd",
    "cost": "cost_cmd",
    "budget": "cost_cmd",
    "report": "report_cmd",
    "check": "check_cmd",
    "diff": "check_cmd",
    "inspect": "diagnostics_cmd",
    "coverage": "diagnostics_cmd",
    "normalization": "diagnostics_cmd",
    "breakdown": "diagnostics_cmd",
    "explain": "diagnostics_cmd",
    "fertility": "diagnostics_cmd",
    "tokenizers": "tokenizers_cmd",
    "corpora": "corpora_cmd",
    "pricing": "pricing_cmd",
}

# Typer settings shared by the root app and the private apps the commands are built from (the ones
# typer passes down to the click commands: help rendering, exception display, command suggestions).
_SETTINGS: dict[str, Any] = {"pretty_exceptions_enable": False, "add_completion": False,
                             "rich_markup_mode": None}


def register_module(module: str, target: typer.Typer) -> bool:
    """Let ``tokcost.cli.<module>`` define its commands on ``target``; False if the module is absent."""
    try:
        mod = importlib.import_module(f"tokcost.cli.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"tokcost.cli.{module}":
            raise
        return False
    if module == "tokenizers_cmd":  # a sub-app without register()
        target.add_typer(mod.app, name="tokenizers")
    else:
        mod.register(target)
    return True


class _Group(TyperGroup):
    """Builds each command on first lookup; turns a TokcostError anywhere below into one line on
    stderr and its exit code."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._loaded: set[str] = set()
        self._registered: dict[str, typer.Typer | None] = {}

    def _registered_app(self, module: str) -> typer.Typer | None:
        """The private app ``tokcost.cli.<module>`` registered its commands on (not yet converted
        to click commands); None if the module is absent."""
        if module not in self._registered:
            private = typer.Typer(**_SETTINGS)
            self._registered[module] = private if register_module(module, private) else None
        return self._registered[module]

    def _load(self, module: str) -> None:
        if module in self._loaded:
            return
        self._loaded.add(module)
        private = self._registered_app(module)
        if private is not None:
            for name, cmd in get_group(private).commands.items():
                self.add_command(cmd, name)

    def _outline(self, module: str) -> dict[str, Any]:
        """Help-only stand-ins for the commands ``module`` registers: name, help and flags as
        typer would give the built commands, without building their parameters (typer's
        signature and type-hint work is most of ``tokcost --help``'s time otherwise)."""
        from typer.core import TyperCommand
        from typer.main import get_command_name, solve_typer_info_defaults

        private = self._registered_app(module)
        out: dict[str, Any] = {}
        if private is None:
            return out
        for info in private.registered_commands:
            assert info.callback is not None
            name = info.name or get_command_name(info.callback.__name__)
            doc = inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
            out[name] = TyperCommand(name=name, help=doc, short_help=info.short_help,
                                     hidden=info.hidden, deprecated=info.deprecated)
        for group in private.registered_groups:
            solved = solve_typer_info_defaults(group)
            if solved.name:
                out[solved.name] = TyperCommand(name=solved.name, help=solved.help,
                                                short_help=solved.short_help,
                                                hidden=solved.hidden, deprecated=solved.deprecated)
        return out

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The root help's command list from help-only stand-ins (commands already built are
        used as they are); tests/test_cli_lazy.py holds it equal to the fully built list."""
        shown: dict[str, Any] = dict(self.commands)
        for module in dict.fromkeys(COMMANDS.values()):
            if module not in self._loaded:
                for name, cmd in self._outline(module).items():
                    shown.setdefault(name, cmd)
        real = self.commands
        self.commands = shown
        try:
            super().format_commands(ctx, formatter)
        finally:
            self.commands = real

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return list(dict.fromkeys([*COMMANDS, *self.commands]))

    def get_command(self, ctx: typer.Context, cmd_name: str):  # type: ignore[override]
        if cmd_name not in self.commands:
            if cmd_name in COMMANDS:
                self._load(COMMANDS[cmd_name])
            else:  # unknown: build them all, so that typer's "Did you mean …?" sees every command
                for module in dict.fromkeys(COMMANDS.values()):
                    self._load(module)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except TokcostError as err:
            typer.echo(f"tokcost: error: {err.render()}", err=True)
            ctx.exit(err.exit_code)
        except OSError as err:  # a full disk, a read-only or vanished directory, EISDIR ...
            if isinstance(err, BrokenPipeError):
                raise
            typer.echo(f"tokcost: error: {_os_error_line(err)}", err=True)
            ctx.exit(2)


app = typer.Typer(
    name="tokcost",
    cls=_Group,
    help="What Korean text really costs on today's language models: exact token counts on real "
    "tokenizers, Korean/English ratios with confidence intervals, and money in USD and KRW.",
    no_args_is_help=True,
    **{**_SETTINGS, "add_completion": True},  # --install-completion / --show-completion
)

#: Commands that take their defaults from tokcost.toml through click's default_map (``check`` and
#: ``diff`` read the file themselves; the sub-apps have their own options).
_CONFIG_EXEMPT = {"check", "diff", "tokenizers", "corpora", "pricing"}


def _apply_config(ctx: typer.Context) -> None:
    """tokcost.toml / [tool.tokcost] as option defaults of every command (flags still win)."""
    from tokcost.config import command_defaults, load_config

    defaults = command_defaults(load_config())
    name = ctx.invoked_subcommand
    if not defaults or not name or name in _CONFIG_EXEMPT:
        return
    group = ctx.command
    cmd = group.get_command(ctx, name) if isinstance(group, TyperGroup) else None
    if cmd is None:
        return
    ctx.default_map = {name: _fit_defaults(cmd, defaults)}


def _fit_defaults(cmd: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    """The project file's defaults shaped for one command: only its own options, and a list (the
    file's ``corpora``, ``tokenizers``, ``models``) given to a one-value option as its first item
    (``cost --corpus``, ``coverage --corpus``): click would otherwise take the list's text."""
    out: dict[str, Any] = {}
    for param in cmd.params:
        if param.name not in defaults:
            continue
        value = defaults[param.name]
        if isinstance(value, list) and not (getattr(param, "multiple", False) or param.nargs != 1):
            value = value[0] if value else None
        if value is not None:
            out[param.name] = value
    return out


def _check_mirror_env() -> None:
    import os

    raw = os.environ.get("TOKCOST_TOKENIZERS_DIR", "")
    for d in (p for p in raw.split(os.pathsep) if p):
        if not os.path.isdir(os.path.expanduser(d)):
            sys.stderr.write(f"warning: TOKCOST_TOKENIZERS_DIR: {d} does not exist (or is not a "
                             "folder); tokenizers are looked up without it\n")


def _version(value: bool) -> None:
    if value:
        print(f"tokcost {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="An unverified tokenizer file (not the identity the catalog "
                     "records) is an error instead of a warning."),
    ] = False,
    api_count: Annotated[
        bool,
        typer.Option("--api-count", help="Count Claude, Gemini and HyperCLOVA X through their vendors' "
                     "token-count APIs (keys from ANTHROPIC_API_KEY, GEMINI_API_KEY, "
                     "CLOVASTUDIO_API_KEY; see docs/tokenizers.md)."),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress and no 'wrote …' lines; errors and "
                           "warnings only.")] = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More detail (stage timings); "
                          "repeat for more.")] = 0,
) -> None:
    """tokcost measures Korean token cost instead of quoting it."""
    import os

    from tokcost.cli import common

    if strict:
        os.environ["TOKCOST_STRICT"] = "1"
    if api_count:
        os.environ["TOKCOST_API_COUNT"] = "1"
    common.VERBOSITY = -1 if quiet else verbose
    _check_mirror_env()
    if ctx.invoked_subcommand and not ctx.resilient_parsing:
        _apply_config(ctx)


def _os_error_line(err: OSError) -> str:
    from tokcost.errors import one_line

    where = f"{err.filename}: " if err.filename else ""
    return one_line(f"{where}{err.strerror or err} (check the path, its permissions and free "
                    "space)")


def main() -> None:
    import os
    import signal

    def _terminate(signum: int, frame: Any) -> None:
        # SIGTERM unwinds like Ctrl-C: finally blocks remove temporary files, pools stop workers.
        raise KeyboardInterrupt

    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate)
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
    except OSError as err:
        sys.stderr.write(f"tokcost: error: {_os_error_line(err)}\n")
        sys.exit(2)
    except Exception as err:  # a bug: one line, the traceback only on request
        if os.environ.get("TOKCOST_DEBUG"):
            raise
        from tokcost.errors import one_line

        sys.stderr.write(f"tokcost: internal error: {one_line(f'{type(err).__name__}: {err}')} "
                         "(this is a bug; rerun with TOKCOST_DEBUG=1 for the traceback and "
                         "report it)\n")
        sys.exit(70)
