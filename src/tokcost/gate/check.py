"""``tokcost check`` as a library call: config + flags -> what to check -> one outcome."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tokcost._version import __version__
from tokcost.config import Config, PromptBudget, resolve_corpus
from tokcost.costing import DEFAULT_OUTPUT_TOKENS
from tokcost.errors import TokcostError
from tokcost.gate.collect import FreshSettings, collect_fresh
from tokcost.gate.compare import (
    CHECK_SCHEMA,
    Comparison,
    Thresholds,
    compare,
    comparison_markdown,
)
from tokcost.gate.prompts import PromptRow, check_prompts, prompts_markdown
from tokcost.gate.results import Results, ResultsError, load_results, normalize


@dataclass
class CheckRequest:
    """What the user asked on the command line; ``None`` means "not given, use the config"."""

    config: Config = field(default_factory=Config)
    baseline: Path | None = None
    results: Path | None = None
    max_ratio_increase: float | None = None
    max_cost_increase: float | None = None
    max_ratio: float | None = None
    prompts: list[str] | None = None
    max_tokens: int | None = None
    corpora: list[str] | None = None
    tokenizers: list[str] | None = None
    models: list[str] | None = None
    update_baseline: bool = False
    download: bool = False
    force: bool = False  # --update-baseline may replace an existing baseline
    as_of: Any = None  # a datetime.date: prices and FX in force then (None = today)


@dataclass
class CheckOutcome:
    comparison: Comparison | None = None
    prompts: list[PromptRow] | None = None
    current_doc: dict[str, Any] | None = None
    baseline_path: Path | None = None
    current_name: str = "fresh measurement"
    wrote_baseline: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        if self.wrote_baseline:
            return True
        ok = self.comparison is None or self.comparison.passed
        return ok and not any(p.failed for p in self.prompts or [])

    def markdown(self) -> str:
        parts = []
        if self.comparison is not None:
            parts.append(comparison_markdown(
                self.comparison, baseline_name=show_path(self.baseline_path),
                current_name=self.current_name,
                title="tokcost check --update-baseline: the new baseline against the previous one"
                if self.wrote_baseline else None))
        if self.prompts is not None:
            parts.append(prompts_markdown(self.prompts))
        if self.notes:  # tokcost's own sentences; the paths in them are escaped where made
            parts.append("\n".join(self.notes) + "\n")
        return "\n".join(parts)

    def as_json(self) -> str:
        doc: dict[str, Any] = {
            "schema": CHECK_SCHEMA, "tokcost_version": __version__, "passed": self.passed,
            "baseline": str(self.baseline_path) if self.baseline_path else None,
            "current": self.current_name, "wrote_baseline": self.wrote_baseline,
        }
        if self.comparison is not None:
            th = self.comparison.thresholds
            doc["thresholds"] = {"max_ratio_increase": th.max_ratio_increase,
                                 "max_cost_increase": th.max_cost_increase,
                                 "max_ratio": th.max_ratio}
        doc["rows"] = [r.as_dict() for r in self.comparison.rows] if self.comparison else []
        doc["prompts"] = [p.as_dict() for p in self.prompts] if self.prompts is not None else []
        from tokcost.schema.gate import CheckDocument

        CheckDocument.model_validate(doc)  # the envelope as written (its rows checked as made)
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def show_path(path: Path | None) -> str:
    """A path relative to the current directory when it is below it."""
    if path is None:
        return "(none)"
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _openable(name: str) -> bool:
    return name == "samples" or name.startswith("samples/") or Path(name).exists()


def fresh_settings(req: CheckRequest, baseline: Results | None) -> FreshSettings:
    """What to measure now: flags, then the config, then what the baseline was made of (its
    recorded settings, else its rows), then ``tokcost report``'s defaults."""
    cfg = req.config
    old = baseline.settings if baseline is not None else {}
    metrics = list(baseline.metrics.values()) if baseline is not None else []
    ratio_keys = [m.key for m in metrics if m.kind == "ratio"]

    corpora = req.corpora or cfg.corpora or _str_list(old.get("corpora"))
    if corpora is None and ratio_keys:
        names = list(dict.fromkeys(k[1] for k in ratio_keys))
        bad = [n for n in names if not _openable(n)]
        if bad:
            raise TokcostError(f"the baseline was measured on corpus {bad[0]!r}, which cannot be "
                               "opened by that name", hint="list corpora in tokcost.toml or pass "
                               "--corpus")
        corpora = names
    tokenizers = req.tokenizers or cfg.tokenizers or _str_list(old.get("tokenizers"))
    if tokenizers is None and ratio_keys:
        tokenizers = list(dict.fromkeys(k[0] for k in ratio_keys))
    models = req.models or cfg.models or _str_list(old.get("models"))
    if models is None and baseline is not None:
        models = list(dict.fromkeys(m.key[0] for m in metrics if m.kind in ("cost", "budget")))
    requests = cfg.requests
    if requests is None and isinstance(old.get("requests"), str) and old["requests"] != "requests":
        requests = old["requests"]
    out_tokens = cfg.output_tokens
    if out_tokens is None:
        ot = old.get("output_tokens")
        out_tokens = ot if isinstance(ot, int) and not isinstance(ot, bool) else DEFAULT_OUTPUT_TOKENS
    raw_budget = old.get("budget")
    old_budget: dict[str, Any] = raw_budget if isinstance(raw_budget, dict) else {}
    budget = {k: v for k, v in old_budget.items()
              if k in ("requests_per_day", "days", "input_chars", "output_chars")
              and isinstance(v, int | float) and not isinstance(v, bool)}
    return FreshSettings(corpora=list(corpora or ["samples"]), tokenizers=tokenizers,
                         models=models, requests=requests, output_tokens=int(out_tokens),
                         budget=budget, vat=old.get("vat") is True)


def _fresh(req: CheckRequest, baseline: Results | None) -> dict[str, Any]:
    settings = fresh_settings(req, baseline)
    settings.as_of = req.as_of
    root = req.config.root
    specs = [c if req.corpora else resolve_corpus(root, c) for c in settings.corpora]
    requests_path = None
    if settings.requests is not None:
        p = Path(settings.requests).expanduser()
        requests_path = str(p if p.is_absolute() else root / p)
    return collect_fresh(settings, corpus_specs=specs, requests_path=requests_path,
                         download=req.download)


def prompt_budgets(req: CheckRequest) -> list[PromptBudget]:
    if req.prompts:
        if req.max_tokens is None:
            raise TokcostError("--prompts needs --max-tokens N")
        if not req.models and not req.tokenizers:
            raise TokcostError("--prompts needs --model M or --tokenizer T to count with")
        return [PromptBudget(list(req.prompts), req.max_tokens, list(req.models or []),
                             list(req.tokenizers or []), Path.cwd())]
    budgets = req.config.prompts
    if req.models or req.tokenizers:
        budgets = [replace(b, models=list(req.models or []), tokenizers=list(req.tokenizers or []))
                   for b in budgets]
    if req.max_tokens is not None:
        budgets = [replace(b, max_tokens=req.max_tokens) for b in budgets]
    return budgets


def thresholds(req: CheckRequest) -> Thresholds:
    c = req.config.check
    th = Thresholds()
    for name in ("max_ratio_increase", "max_cost_increase", "max_ratio"):
        flag, conf = getattr(req, name), getattr(c, name)
        value = flag if flag is not None else conf
        if value is not None and (not math.isfinite(value) or value < 0):
            where = f"--{name.replace('_', '-')}" if flag is not None else f"{name} in [check]"
            raise TokcostError(f"{where} must be a finite number of zero or more, not {value!r}")
        if flag is not None:
            setattr(th, name, flag)
        elif conf is not None:
            setattr(th, name, conf)
    return th


def selected(req: CheckRequest) -> tuple[bool, bool]:
    """(baseline check, prompt check). Naming either on the command line runs only what was
    named; with neither, everything the configuration sets up runs."""
    cli_prompts = bool(req.prompts)
    cli_base = bool(req.baseline or req.results or req.update_baseline or req.corpora
                    or req.max_ratio_increase is not None or req.max_cost_increase is not None
                    or req.max_ratio is not None)
    if cli_prompts or cli_base:
        return cli_base, cli_prompts
    return req.config.check.baseline is not None, bool(req.config.prompts)


def run_check(req: CheckRequest) -> CheckOutcome:
    do_base, do_prompts = selected(req)
    if not do_base and not do_prompts:
        where = f" in {req.config.path}" if req.config.path else ""
        raise TokcostError(f"nothing to check: no baseline and no prompt budgets{where}",
                           hint="pass --baseline FILE, or --prompts GLOB --max-tokens N --model M, "
                           "or set them in tokcost.toml; see docs/ci.md")
    out = CheckOutcome()
    if do_base:
        _baseline_part(req, out)
    if do_prompts and not req.update_baseline:
        out.prompts = check_prompts(prompt_budgets(req), download=req.download)
    return out


def _baseline_part(req: CheckRequest, out: CheckOutcome) -> None:
    path = req.baseline or req.config.check.baseline
    th = thresholds(req)
    out.baseline_path = path
    baseline: Results | None = None
    if path is None:
        if req.update_baseline:
            raise TokcostError("--update-baseline needs a baseline path",
                               hint="pass --baseline FILE or set baseline in [check]")
        if th.max_ratio is None:
            raise TokcostError("no baseline to compare with",
                               hint="pass --baseline FILE or set baseline in [check] of "
                               "tokcost.toml; create it with tokcost check --update-baseline")
    elif req.update_baseline:
        baseline = _replaceable_baseline(path, req.force)
    else:
        if not path.exists():
            raise ResultsError("no such baseline", path=str(path),
                               hint="create it with tokcost check --update-baseline and commit it")
        baseline = load_results(path, what="baseline")

    if req.results is not None:
        current = load_results(req.results)
        out.current_name = str(req.results)
        out.current_doc = current.doc
    else:
        doc = _fresh(req, baseline)
        current = normalize(doc, "fresh measurement")
        out.current_doc = doc
    empty = Results("(none)", "", {}, {})
    if baseline is not None or not req.update_baseline:
        out.comparison = compare(baseline or empty, current, th)
    if req.update_baseline:
        assert path is not None
        write_baseline(path, out.current_doc or {}, force=req.force)
        out.wrote_baseline = True
        from tokcost.sanitize import markdown_code

        out.notes.append(f"Wrote the new baseline to {markdown_code(show_path(path))} "
                         f"({len(current.metrics)} metrics). "
                         "Review and commit it.")


def _replaceable_baseline(path: Path, force: bool) -> Results | None:
    """The baseline ``--update-baseline`` is about to replace (None when ``path`` is free).

    Checked before anything is measured: a file that is not a tokcost result document is never
    replaced (it may be README.md), and an existing baseline only with ``--force``."""
    if not path.exists() and not path.is_symlink():
        return None
    if not path.is_file():
        raise TokcostError("the baseline path exists and is not a regular file", path=str(path),
                           hint="choose another --baseline path")
    try:
        baseline = load_results(path, what="baseline")
    except ResultsError as err:
        raise TokcostError(
            f"refusing to replace a file that is not a tokcost baseline ({err.message})",
            path=str(path), hint="choose another --baseline path, or delete the file yourself "
            "if it really is an old baseline") from None
    if not force:
        raise TokcostError("the baseline exists; --update-baseline replaces it only with --force",
                           path=str(path), hint="review it, then run tokcost check "
                           "--update-baseline --force")
    return baseline


def write_baseline(path: Path, doc: dict[str, Any], *, force: bool = True) -> None:
    """Write ``doc`` as the baseline at ``path`` atomically; an existing file is replaced only
    when it is a tokcost result document and ``force`` is true."""
    from tokcost.paths import atomic_write_bytes

    if not force or path.exists() or path.is_symlink():
        _replaceable_baseline(path, force)
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, text.encode("utf-8"))
    except OSError as exc:
        raise TokcostError(f"cannot write the baseline: {exc.strerror or exc}", path=str(path),
                           hint="check the directory's permissions and free space") from None
