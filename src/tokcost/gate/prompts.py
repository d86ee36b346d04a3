"""Prompt budgets: every prompt file must fit in its token budget on a model's own tokenizer."""

from __future__ import annotations

import glob as _glob
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokcost.config import PromptBudget
from tokcost.errors import TokcostError

if TYPE_CHECKING:
    from tokcost.output import Output

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


PROMPT_SCHEMA = "tokcost/check/1"  # prompt rows are part of the check document


def prompt_view(record: dict[str, Any], *, markdown: bool = False) -> dict[str, Any]:
    """One prompt row (a :class:`PromptRecord` dict) as the tables show it, its labels kept."""
    from tokcost.output import LABEL_FIELDS

    failed = not record["passed"]
    status = record["status"].upper() if failed else record["status"]
    model = record["model"]
    if markdown and model != record["tokenizer"]:
        model = f"{model} ({record['tokenizer']})"
    return {**{k: record[k] for k, _ in LABEL_FIELDS if k in record},
            "file": record["file"], "model": model, "tokenizer": record["tokenizer"],
            "tokens": f"{record['tokens']:,}" if markdown else record["tokens"],
            "budget": f"{record['budget']:,}" if markdown else record["budget"],
            "headroom": f"{record['headroom']:+,}" if markdown else record["headroom"],
            "status": f"**{status}**" if markdown and failed else status}


def prompts_output(records: list[dict[str, Any]], *, fmt: str) -> Output:
    """Prompt rows as one :class:`~tokcost.output.Output` (the Markdown view names the
    tokenizer beside the model; the terminal table has a column for it)."""
    from tokcost.output import Output

    if fmt == "markdown":
        cols = [("file", "file"), ("model", "model"), ("tokens", "tokens"), ("budget", "budget"),
                ("headroom", "headroom"), ("status", "status")]
    else:
        cols = [(k, k) for k in ("file", "model", "tokenizer", "tokens", "budget", "status")]
    rows = records if fmt in ("json", "csv") else [
        prompt_view(r, markdown=fmt == "markdown") for r in records]
    return Output(PROMPT_SCHEMA, rows, cols, title=None if fmt == "markdown" else "Prompt budgets",
                  right=frozenset({"tokens", "budget", "headroom"}))


def prompts_markdown(rows: Sequence[PromptRow]) -> str:
    from tokcost.output import render

    failed = [r for r in rows if r.failed]
    verdict = "passed" if not failed else "FAILED"
    lines = [f"### tokcost prompt budgets: {verdict}", "",
             f"{len(rows)} file check{'s' if len(rows) != 1 else ''}, {len(failed)} over budget.",
             ""]
    table = render(prompts_output([r.as_dict() for r in rows], fmt="markdown"), "markdown")
    return "\n".join(lines) + "\n" + table
