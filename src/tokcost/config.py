"""Project configuration: ``tokcost.toml`` or ``[tool.tokcost]`` in ``pyproject.toml``.

Looked up from the current directory upward, stopping at the repository root (a directory with
``.git``). Every key is checked by the typed record :class:`tokcost.schema.config.ConfigIn`: an
unknown key or a wrong type is one error line naming the file, the key and its line, never
silently ignored. Relative paths are relative to the file's directory.

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
            "workload", "report")  # the keys of tokcost.schema.config.ConfigIn (a test holds them)


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
    output_tokens: int | None = None  # None: costing.DEFAULT_OUTPUT_TOKENS
    check: CheckConfig = field(default_factory=CheckConfig)
    workload: WorkloadConfig = field(default_factory=WorkloadConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    prompts: list[PromptBudget] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()


class ConfigError(TokcostError):
    """The project configuration file is malformed."""


def _line_of(text: str, key: str | None) -> int | None:
    """The line of the first ``key =`` in ``text`` (tomllib gives no line numbers)."""
    if key is None:
        return None
    m = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else None


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
    prefix = ""
    raw: Any = doc
    if pyproject:
        tool = doc.get("tool", {})
        raw = tool.get("tokcost") if isinstance(tool, dict) else None
        if not isinstance(raw, dict):
            raise ConfigError("no [tool.tokcost] table", path=str(path))
        prefix = "tool.tokcost"
    return _build(path, text, prefix, raw, path.parent.resolve())


def _build(path: Path, text: str, prefix: str, raw: dict[str, Any], base: Path) -> Config:
    """``raw`` validated by :class:`tokcost.schema.config.ConfigIn`, as a :class:`Config`."""
    from pydantic import ValidationError

    from tokcost.schema.config import ConfigIn, explain_config

    try:
        c = ConfigIn.model_validate(raw)
    except ValidationError as exc:
        key, what, hint = explain_config(exc, prefix)
        raise ConfigError(what, hint=hint, path=str(path), line=_line_of(text, key)) from None
    w = c.workload
    return Config(
        path=path, corpora=c.corpora, tokenizers=c.tokenizers, models=c.models,
        requests=c.requests, output_tokens=c.output_tokens,
        check=CheckConfig(baseline=_rel(base, c.check.baseline) if c.check.baseline else None,
                          max_ratio_increase=c.check.max_ratio_increase,
                          max_cost_increase=c.check.max_cost_increase,
                          max_ratio=c.check.max_ratio),
        workload=WorkloadConfig(requests_per_day=w.requests_per_day, days=w.days,
                                input_chars=w.input_chars, output_chars=w.output_chars,
                                models=w.models),
        report=ReportConfig(lang=c.report.lang,
                            out=_rel(base, c.report.out) if c.report.out else None),
        prompts=[PromptBudget(list(p.glob), p.max_tokens, list(p.model), list(p.tokenizer), base)
                 for p in c.prompts])


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
