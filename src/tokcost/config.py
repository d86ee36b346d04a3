"""Project configuration: ``tokcost.toml`` or ``[tool.tokcost]`` in ``pyproject.toml``.

Looked up from the current directory upward, stopping at the repository root (a directory with
``.git``). Every key is checked: an unknown key or a wrong type is one error line naming the file
and the key, never silently ignored. Relative paths are relative to the file's directory.

Example (``tokcost.toml``; in ``pyproject.toml`` prefix every table with ``tool.tokcost``)::

    corpora = ["samples", "data/support.jsonl"]
    tokenizers = ["o200k_base"]
    models = ["gpt-5-mini"]

    [workload]            # the report's budget headline (and `tokcost budget`)
    requests_per_day = 5000
    days = 30
    input_chars = 1500
    output_chars = 600
    models = ["gpt-5-mini", "gemini-2.5-flash"]   # the shortlist

    [report]
    lang = "ko"
    out = "tokcost-report"

    [check]
    baseline = "tokcost-baseline.json"
    max_ratio_increase = 5.0
    max_cost_increase = 10.0
    max_ratio = 2.0

    [[prompts]]
    glob = "prompts/**/*.txt"
    max_tokens = 1500
    model = "gpt-5-mini"
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokcost import tomlsafe
from tokcost.errors import TokcostError

CONFIG_FILE = "tokcost.toml"
PYPROJECT = "pyproject.toml"

TOP_KEYS = ("corpora", "tokenizers", "models", "requests", "output_tokens", "check", "prompts",
            "workload", "report")
WORKLOAD_KEYS = ("requests_per_day", "days", "input_chars", "output_chars", "models")
REPORT_KEYS = ("lang", "out")
CHECK_KEYS = ("baseline", "max_ratio_increase", "max_cost_increase", "max_ratio")
PROMPT_KEYS = ("glob", "max_tokens", "model", "tokenizer")


@dataclass
class PromptBudget:
    """Files matching ``globs`` may each hold at most ``max_tokens`` tokens on every named model's
    (or tokenizer's) tokenizer."""

    globs: list[str]
    max_tokens: int
    models: list[str] = field(default_factory=list)
    tokenizers: list[str] = field(default_factory=list)
    base: Path = field(default_factory=Path.cwd)  # globs are relative to this directory


@dataclass
class CheckConfig:
    baseline: Path | None = None
    max_ratio_increase: float | None = None
    max_cost_increase: float | None = None
    max_ratio: float | None = None


@dataclass
class WorkloadConfig:
    requests_per_day: float | None = None
    days: int | None = None
    input_chars: int | None = None
    output_chars: int | None = None
    models: list[str] | None = None  # the shortlist of the report's headline


@dataclass
class ReportConfig:
    lang: str | None = None
    out: Path | None = None


@dataclass
class Config:
    """Settings shared by ``tokcost check`` (and any command that reads the project file)."""

    path: Path | None = None  # None: no file found
    corpora: list[str] | None = None  # as written; open them with resolve_corpus(root, spec)
    tokenizers: list[str] | None = None
    models: list[str] | None = None
    requests: str | None = None  # a request file as written (relative to root); None: shipped
    output_tokens: int | None = None  # None: 500
    check: CheckConfig = field(default_factory=CheckConfig)
    workload: WorkloadConfig = field(default_factory=WorkloadConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    prompts: list[PromptBudget] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()


class ConfigError(TokcostError):
    """The project configuration file is malformed."""


class _Reader:
    def __init__(self, path: Path, text: str, prefix: str) -> None:
        self.path = path
        self.text = text
        self.prefix = prefix  # "" for tokcost.toml, "tool.tokcost" for pyproject.toml

    def table(self, sub: str = "") -> str:
        name = ".".join(p for p in (self.prefix, sub) if p)
        return f"[{name}]" if name else "the top level"

    def line_of(self, key: str) -> int | None:
        m = re.search(rf"^\s*{re.escape(key)}\s*=", self.text, re.MULTILINE)
        return self.text.count("\n", 0, m.start()) + 1 if m else None

    def fail(self, key: str, message: str, hint: str | None = None) -> ConfigError:
        return ConfigError(message, hint=hint, path=str(self.path), line=self.line_of(key))

    def known(self, raw: dict[str, Any], allowed: tuple[str, ...], sub: str = "") -> None:
        for key in raw:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]}?" if close else f"known keys: {', '.join(allowed)}"
                raise self.fail(key, f"unknown key {key!r} in {self.table(sub)}", hint)

    def str_list(self, raw: dict[str, Any], key: str, sub: str = "",
                 scalar_ok: bool = False) -> list[str] | None:
        if key not in raw:
            return None
        v = raw[key]
        if scalar_ok and isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            what = "a string or a list of strings" if scalar_ok else "a list of strings"
            raise self.fail(key, f"{key} in {self.table(sub)} must be {what}")
        return list(v)

    def string(self, raw: dict[str, Any], key: str, sub: str = "",
               choices: tuple[str, ...] | None = None) -> str | None:
        if key not in raw:
            return None
        v = raw[key]
        if not isinstance(v, str) or not v:
            raise self.fail(key, f"{key} in {self.table(sub)} must be a non-empty string")
        if choices and v not in choices:
            raise self.fail(key, f"{key} in {self.table(sub)} must be one of {', '.join(choices)}, "
                            f"not {v!r}")
        return v

    def number(self, raw: dict[str, Any], key: str, sub: str = "", *,
               integer: bool = False, positive: bool = False) -> float | None:
        if key not in raw:
            return None
        v = raw[key]
        ok = isinstance(v, int) if integer else isinstance(v, int | float)
        if isinstance(v, bool) or not ok:
            kind = "an integer" if integer else "a number"
            raise self.fail(key, f"{key} in {self.table(sub)} must be {kind}, not {v!r}")
        if not math.isfinite(v):
            raise self.fail(key, f"{key} in {self.table(sub)} must be a finite number, not {v!r}")
        if v < 0 or (positive and v == 0):
            raise self.fail(key, f"{key} in {self.table(sub)} must be "
                            f"{'positive' if positive else 'zero or more'}, not {v!r}")
        return v


def _rel(base: Path, value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def resolve_corpus(base: Path, spec: str) -> str:
    """A corpus spec with its relative file paths taken under ``base`` (when they exist there);
    shipped names such as ``samples`` stay as they are."""
    for prefix in ("mono:", "flores:", "aligned:"):
        if spec.startswith(prefix):
            return prefix + resolve_corpus(base, spec[len(prefix):])
    if "," in spec:
        return ",".join(resolve_corpus(base, s) for s in spec.split(","))
    candidate = base / spec
    if not Path(spec).is_absolute() and candidate.exists():
        return str(candidate)
    return spec


def parse_config(path: Path, text: str | None = None, *, pyproject: bool | None = None) -> Config:
    """Read one configuration file strictly."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read: {exc.strerror}", path=str(path)) from None
        except UnicodeDecodeError:
            raise ConfigError("not UTF-8 text", path=str(path)) from None
    try:
        doc = tomlsafe.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", path=str(path),
                          line=int(m.group(1)) if m else None) from None
    if pyproject is None:
        pyproject = path.name == PYPROJECT
    if pyproject:
        tool = doc.get("tool", {})
        raw = tool.get("tokcost") if isinstance(tool, dict) else None
        if not isinstance(raw, dict):
            raise ConfigError("no [tool.tokcost] table", path=str(path))
        rd = _Reader(path, text, "tool.tokcost")
    else:
        raw = doc
        rd = _Reader(path, text, "")
    return _build(rd, raw, path.parent.resolve())


def _build(rd: _Reader, raw: dict[str, Any], base: Path) -> Config:
    rd.known(raw, TOP_KEYS)
    cfg = Config(path=rd.path)
    cfg.corpora = rd.str_list(raw, "corpora")
    cfg.tokenizers = rd.str_list(raw, "tokenizers")
    cfg.models = rd.str_list(raw, "models")
    cfg.requests = rd.string(raw, "requests")
    out = rd.number(raw, "output_tokens", integer=True)
    cfg.output_tokens = int(out) if out is not None else None

    check = raw.get("check", {})
    if not isinstance(check, dict):
        raise rd.fail("check", f"check in {rd.table()} must be a table ([check])")
    rd.known(check, CHECK_KEYS, "check")
    baseline = rd.string(check, "baseline", "check")
    cfg.check = CheckConfig(
        baseline=_rel(base, baseline) if baseline else None,
        max_ratio_increase=rd.number(check, "max_ratio_increase", "check"),
        max_cost_increase=rd.number(check, "max_cost_increase", "check"),
        max_ratio=rd.number(check, "max_ratio", "check", positive=True),
    )

    wl = raw.get("workload", {})
    if not isinstance(wl, dict):
        raise rd.fail("workload", f"workload in {rd.table()} must be a table ([workload])")
    rd.known(wl, WORKLOAD_KEYS, "workload")

    def _int(key: str) -> int | None:
        v = rd.number(wl, key, "workload", integer=True, positive=key == "days")
        return int(v) if v is not None else None

    cfg.workload = WorkloadConfig(
        requests_per_day=rd.number(wl, "requests_per_day", "workload", positive=True),
        days=_int("days"), input_chars=_int("input_chars"), output_chars=_int("output_chars"),
        models=rd.str_list(wl, "models", "workload", scalar_ok=True))
    rep = raw.get("report", {})
    if not isinstance(rep, dict):
        raise rd.fail("report", f"report in {rd.table()} must be a table ([report])")
    rd.known(rep, REPORT_KEYS, "report")
    out_dir = rd.string(rep, "out", "report")
    cfg.report = ReportConfig(lang=rd.string(rep, "lang", "report", choices=("en", "ko")),
                              out=_rel(base, out_dir) if out_dir else None)

    prompts = raw.get("prompts", [])
    if isinstance(prompts, dict):
        prompts = [prompts]
    if not isinstance(prompts, list) or not all(isinstance(p, dict) for p in prompts):
        raise rd.fail("prompts", f"prompts in {rd.table()} must be tables ([[prompts]])")
    for entry in prompts:
        rd.known(entry, PROMPT_KEYS, "prompts")
        globs = rd.str_list(entry, "glob", "prompts", scalar_ok=True)
        max_tokens = rd.number(entry, "max_tokens", "prompts", integer=True, positive=True)
        if not globs or max_tokens is None:
            raise rd.fail("glob" if not globs else "max_tokens",
                          f"each [[{rd.table('prompts')[1:-1]}]] needs glob and max_tokens")
        models = rd.str_list(entry, "model", "prompts", scalar_ok=True) or []
        toks = rd.str_list(entry, "tokenizer", "prompts", scalar_ok=True) or []
        if not models and not toks:
            raise rd.fail("glob", f"a [[{rd.table('prompts')[1:-1]}]] entry for {globs[0]!r} "
                          "needs model or tokenizer")
        cfg.prompts.append(PromptBudget(globs, int(max_tokens), models, toks, base))
    return cfg


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return bool(re.search(r"^\s*\[\[?\s*tool\.tokcost\b", text, re.MULTILINE))


def find_config(start: Path | None = None) -> Path | None:
    """``tokcost.toml``, or a ``pyproject.toml`` with ``[tool.tokcost]``, in ``start`` or a parent
    up to the repository root (the first directory holding ``.git``)."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / CONFIG_FILE).is_file():
            return d / CONFIG_FILE
        if (d / PYPROJECT).is_file() and _has_tool_table(d / PYPROJECT):
            return d / PYPROJECT
        if (d / ".git").exists():
            return None
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    """The configuration in ``path``, else the one found from ``start`` upward, else defaults."""
    if path is not None:
        if not path.is_file():
            raise ConfigError("no such configuration file", path=str(path))
        return parse_config(path)
    found = find_config(start)
    return parse_config(found) if found is not None else Config()


def command_defaults(cfg: Config) -> dict[str, Any]:
    """Option defaults for every command from the project file, by option name (click's
    ``default_map`` shape; a command without such an option ignores the key). Flags win."""
    d: dict[str, Any] = {}
    if cfg.corpora:
        d["corpus"] = [resolve_corpus(cfg.root, c) for c in cfg.corpora]
    if cfg.tokenizers:
        d["tokenizer"] = list(cfg.tokenizers)
    if cfg.models:
        d["model"] = list(cfg.models)
    if cfg.requests:
        d["request"] = str(_rel(cfg.root, cfg.requests))
    if cfg.output_tokens is not None:
        d["output_tokens"] = cfg.output_tokens
    w = cfg.workload
    for key in ("requests_per_day", "days", "input_chars", "output_chars"):
        if getattr(w, key) is not None:
            d[key] = getattr(w, key)
    if w.models:
        d["shortlist"] = list(w.models)
    if cfg.report.lang:
        d["lang"] = cfg.report.lang
    if cfg.report.out:
        d["out"] = str(cfg.report.out)
    return d
