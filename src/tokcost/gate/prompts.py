"""Prompt budgets: every prompt file must fit in its token budget on a model's own tokenizer."""

from __future__ import annotations

import glob as _glob
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokcost.config import PromptBudget
from tokcost.errors import TokcostError

PROMPTS_SCHEMA = "tokcost/prompts/1"


@dataclass
class PromptRow:
    file: str
    target: str  # the model id, or the tokenizer spec when given directly
    tokenizer: str
    tokens: int
    budget: int
    chars: int

    @property
    def failed(self) -> bool:
        return self.tokens > self.budget

    @property
    def status(self) -> str:
        return "over budget" if self.failed else "ok"

    def as_dict(self) -> dict[str, Any]:
        """The row as written (validated as :class:`tokcost.schema.gate.PromptRecord`)."""
        from tokcost.schema.base import checked
        from tokcost.schema.gate import PromptRecord

        return checked(PromptRecord, [{
            "file": self.file, "model": self.target, "tokenizer": self.tokenizer,
            "tokens": self.tokens, "budget": self.budget, "chars": self.chars,
            "headroom": self.budget - self.tokens, "status": self.status,
            "passed": not self.failed}])[0]


def expand(globs: Sequence[str], base: Path) -> list[Path]:
    """Files matching any glob (``**`` crosses directories), relative globs under ``base``."""
    found: dict[Path, None] = {}
    for pattern in globs:
        p = Path(pattern).expanduser()
        full = str(p if p.is_absolute() else base / p)
        matches = sorted(Path(m) for m in _glob.glob(full, recursive=True))
        files = [m for m in matches if m.is_file()]
        if not files:
            raise TokcostError(f"no prompt file matches {pattern!r} (looked in {base})",
                               hint="quote the glob so the shell does not expand it; "
                               "** matches any depth")
        for f in files:
            found.setdefault(f, None)
    return list(found)


def _targets(budget: PromptBudget, download: bool) -> list[tuple[str, Any]]:
    from tokcost.costing import tokenizer_for
    from tokcost.pricing import load_tables
    from tokcost.tokenizers import load_tokenizer

    out = []
    cache: dict[str, Any] = {}
    if budget.models:
        tables = load_tables()
        for mid in budget.models:
            model = tables.model(mid)
            tok, reason = tokenizer_for(model, cache)
            if tok is None:
                raise TokcostError(f"model {mid}: {reason}; its prompts cannot be counted",
                                   hint="count them with a tokenizer instead: -t TOKENIZER")
            out.append((model.id, tok))
    for spec in budget.tokenizers:
        out.append((spec, load_tokenizer(spec, download=download)))
    return out


def _display(path: Path, base: Path) -> str:
    for root in (base, Path.cwd()):
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def check_prompts(budgets: Sequence[PromptBudget], *, download: bool = False) -> list[PromptRow]:
    """One row per (file, model or tokenizer, budget). Each file is counted whole, content only."""
    rows: list[PromptRow] = []
    for budget in budgets:
        files = expand(budget.globs, budget.base)
        texts = []
        for f in files:
            try:
                texts.append(f.read_text(encoding="utf-8"))
            except UnicodeDecodeError as exc:
                raise TokcostError(f"not UTF-8 text (byte {exc.start})", path=str(f),
                                   hint="save prompt files as UTF-8") from None
            except OSError as exc:
                raise TokcostError(f"cannot read: {exc.strerror}", path=str(f)) from None
        for target, tok in _targets(budget, download):
            counts = tok.count(texts)
            for f, text, n in zip(files, texts, counts, strict=True):
                rows.append(PromptRow(_display(f, budget.base), target, tok.id, n,
                                      budget.max_tokens, len(text)))
    return rows


def prompts_markdown(rows: Sequence[PromptRow]) -> str:
    from tokcost.sanitize import markdown_inline

    failed = [r for r in rows if r.failed]
    verdict = "passed" if not failed else "FAILED"
    lines = [f"### tokcost prompt budgets: {verdict}", "",
             f"{len(rows)} file check{'s' if len(rows) != 1 else ''}, {len(failed)} over budget.",
             "",
             "| file | model | tokens | budget | headroom | status |", "|---|---|---:|---:|---:|---|"]
    for r in rows:
        model = r.target if r.target == r.tokenizer else f"{r.target} ({r.tokenizer})"
        status = "**OVER BUDGET**" if r.failed else "ok"
        cells = [r.file, model, f"{r.tokens:,}", f"{r.budget:,}", f"{r.budget - r.tokens:+,}",
                 status]
        lines.append("| " + " | ".join(markdown_inline(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
