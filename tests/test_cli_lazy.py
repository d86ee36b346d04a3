"""The CLI builds only the invoked command (lazy command loading) and otherwise behaves as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import typer
from typer.main import get_group
from typer.testing import CliRunner

from tokcost.cli.app import COMMANDS, app, register_module

runner = CliRunner()

# `tokcost --help` before lazy loading (captured from the eager CLI), in its order.
HELP_COMMANDS = [
    "count", "measure", "validate", "cost", "budget", "report", "check", "diff", "inspect", "coverage",
    "normalization", "breakdown", "explain", "fertility", "tokenizers", "corpora", "pricing",
]
CMD_MODULES = {"check_cmd", "corpora_cmd", "cost_cmd", "count_cmd", "diagnostics_cmd", "measure_cmd",
               "pricing_cmd", "report_cmd", "tokenizers_cmd"}

# Runs the CLI's main() with the given argv in a fresh interpreter, then reports which command modules
# got imported.
_PROBE = """
import contextlib, io, json, sys
from tokcost.cli.app import main
sys.argv = ["tokcost", *json.loads(sys.argv[1])]
code = 0
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
mods = sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("tokcost.cli.") and m.endswith("_cmd"))
print(json.dumps({"code": code, "out": out.getvalue(), "modules": mods}))
"""


def _probe(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(args)], capture_output=True,
                          text=True, encoding="utf-8", env={**os.environ, "PYTHONUTF8": "1"},
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _help_names(text: str) -> list[str]:
    section = text.split("Commands:", 1)[1]
    return [line.split()[0] for line in section.splitlines() if line.strip()]


@pytest.mark.parametrize(("args", "expected"), [
    (["measure", "--help"], {"measure_cmd"}),
    (["--version"], set()),
    (["tokenizers", "--help"], {"tokenizers_cmd"}),
    (["diff", "--help"], {"check_cmd"}),
])
def test_only_the_invoked_command_is_imported(args, expected):
    res = _probe(args)
    assert res["code"] == 0
    assert set(res["modules"]) == expected, res["modules"]
    assert "report_cmd" not in res["modules"] and "diagnostics_cmd" not in res["modules"]
    if args[-1] == "--help":
        assert res["out"].startswith("Usage: ") and f" {args[0]} [OPTIONS]" in res["out"]


def test_root_help_lists_every_command_in_the_old_order():
    res = _probe(["--help"])
    assert res["code"] == 0
    assert _help_names(res["out"]) == HELP_COMMANDS
    assert set(res["modules"]) == CMD_MODULES  # help needs each command's short help
    r = runner.invoke(app, ["--help"])
    assert r.exit_code == 0 and _help_names(r.output) == HELP_COMMANDS
    for line in r.output.split("Commands:", 1)[1].strip().splitlines():
        assert len(line.split()) > 1, f"no short help: {line!r}"
    assert "--version" in r.output


def test_command_map_matches_what_the_modules_register():
    assert list(COMMANDS) == HELP_COMMANDS
    for module in dict.fromkeys(COMMANDS.values()):
        private = typer.Typer()
        assert register_module(module, private)
        built = list(get_group(private).commands)
        assert built == [name for name, mod in COMMANDS.items() if mod == module], module


@pytest.mark.parametrize(("name", "error"), [
    ("nosuch", "No such command 'nosuch'."),
    ("meas", "No such command 'meas'. Did you mean 'measure'?"),
    ("tokenizer", "No such command 'tokenizer'. Did you mean 'tokenizers'?"),
    ("diagnostic", "No such command 'diagnostic'."),
])
def test_unknown_command_fails_as_before(name, error):
    r = runner.invoke(app, [name, "--help"])
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr == ("Usage: tokcost [OPTIONS] COMMAND [ARGS]...\nTry 'tokcost --help' for help.\n\n"
                        f"Error: {error}\n")


def test_version_subcommand_help_and_error_line(tmp_path):
    from tokcost._version import __version__

    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output == f"tokcost {__version__}\n"
    r = runner.invoke(app, [])
    assert r.exit_code == 2 and "Commands:" in r.output
    r = runner.invoke(app, ["pricing", "--help"])
    assert r.exit_code == 0 and "Usage: tokcost pricing [OPTIONS] COMMAND [ARGS]..." in r.output
    missing = tmp_path / "nope.jsonl"
    r = runner.invoke(app, ["measure", "-c", str(missing), "-t", "o200k_base"])
    assert r.exit_code == 2
    assert r.stderr == f"tokcost: error: {missing}: no such file or corpus\n"


def test_worker_processes_do_not_import_the_cli():
    code = ("import runpy, sys; runpy.run_module('tokcost.__main__', run_name='__mp_main__'); "
            "print(sorted(m for m in sys.modules if m.startswith('tokcost.cli')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# What `tokcost --help` must not import: the counting libraries, numpy, pydantic (typer imports it
# only to coerce option values of an invoked command), the result schema and the measurement.
HEAVY = ("numpy", "pydantic", "tiktoken", "tokenizers", "sentencepiece", "fastokens", "rich",
         "jinja2", "tokcost.measurement", "tokcost.schema", "tokcost.tokenizers", "tokcost.corpora",
         "typer._adapters", "importlib.metadata")

_HEAVY_PROBE = """
import contextlib, io, json, sys
from tokcost.cli.app import main
sys.argv = ["tokcost", "--help"]
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        main()
    except SystemExit:
        pass
print(json.dumps({"out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def test_root_help_imports_nothing_heavy():
    proc = subprocess.run([sys.executable, "-c", _HEAVY_PROBE], capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "PYTHONUTF8": "1"}, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "Commands:" in res["out"]
    loaded = [m for m in res["modules"] if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert loaded == [], loaded


def test_root_help_lists_what_the_built_commands_say():
    """The root help's command list comes from help-only stand-ins (no parameters built); it must
    read exactly as the list from every command fully built (the eager CLI's)."""
    from tokcost.cli.app import _Group

    def help_text(group: _Group) -> str:
        return group.get_help(typer.Context(group, info_name="tokcost", terminal_width=100))

    lazy = get_group(app)
    assert isinstance(lazy, _Group)
    lazy_help = help_text(lazy)
    assert lazy.commands == {}  # nothing was built for it
    eager = get_group(app)
    assert isinstance(eager, _Group)
    for module in dict.fromkeys(COMMANDS.values()):
        eager._load(module)  # every command converted to click, as before lazy loading
    assert list(eager.commands) == HELP_COMMANDS
    section = lazy_help.split("Commands:", 1)[1]
    assert section == help_text(eager).split("Commands:", 1)[1]
    assert len(section.strip().splitlines()) == len(HELP_COMMANDS)
