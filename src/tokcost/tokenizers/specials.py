"""What ``--add-special-tokens`` adds to a text, per tokenizer: what the tokenizer's own
configuration says, never a guess.

- OpenAI encodings (tiktoken): nothing. OpenAI's encoders add no token to a text; the
  end-of-text token is a document separator of pre-training, not part of a request.
- A ``tokenizer.json`` whose post-processor adds tokens (``TemplateProcessing`` etc., e.g. Gemma 3's
  ``<bos>``): the tokenizers library applies it.
- Otherwise ``tokenizer_config.json`` beside the file: ``add_bos_token`` / ``add_eos_token`` with
  its ``bos_token`` / ``eos_token`` (what transformers' Llama-style fast tokenizers do).
- Otherwise, for catalog families whose published configuration adds a BOS but whose mirrored
  ``tokenizer.json`` does not carry it (the post-processor lives in the upstream file or config
  that the public copy lacks): ``FAMILY_BOS`` below, each with its source.
- Otherwise nothing.

SentencePiece and Tekken models add their own BOS (``add_bos``; id 1), as their libraries do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Catalog id -> (BOS token, where the rule is documented).
FAMILY_BOS: dict[str, tuple[str, str]] = {
    "llama-3": ("<|begin_of_text|>",
                "meta-llama/Meta-Llama-3-8B tokenizer.json post_processor (TemplateProcessing)"),
    "deepseek-v3": ("<｜begin▁of▁sentence｜>",
                    "deepseek-ai/DeepSeek-V3 tokenizer_config.json add_bos_token = true"),
}

_ADDING_PROCESSORS = ("TemplateProcessing", "BertProcessing", "RobertaProcessing")


@dataclass(frozen=True)
class SpecialPlan:
    """Ids put before and after a text's own when special tokens are asked for; ``native``:
    the tokenizers library's post-processor adds them itself; ``source``: where the rule is from."""

    prefix: tuple[int, ...] = ()
    suffix: tuple[int, ...] = ()
    native: bool = False
    source: str = "none"

    @property
    def extra(self) -> int:
        return len(self.prefix) + len(self.suffix)


def _token_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        return value["content"]
    return None


def _config(path: Path) -> dict[str, Any]:
    cfg = path.with_name("tokenizer_config.json")
    try:
        doc = json.loads(cfg.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def hf_plan(path: Path, entry_id: str, tok: Any) -> SpecialPlan:
    """The plan for a ``tokenizer.json`` (``tok``: the loaded ``tokenizers.Tokenizer``)."""
    if any(name in repr(tok.post_processor) for name in _ADDING_PROCESSORS):
        return SpecialPlan(native=True, source="tokenizer.json post_processor")
    cfg = _config(path)
    if "add_bos_token" in cfg or "add_eos_token" in cfg:
        pre: list[int] = []
        post: list[int] = []
        for flag, key, out in (("add_bos_token", "bos_token", pre),
                               ("add_eos_token", "eos_token", post)):
            text = _token_text(cfg.get(key))
            tid = tok.token_to_id(text) if cfg.get(flag) is True and text else None
            if tid is not None:
                out.append(int(tid))
        return SpecialPlan(tuple(pre), tuple(post), source="tokenizer_config.json")
    known = FAMILY_BOS.get(entry_id)
    if known is not None:
        tid = tok.token_to_id(known[0])
        if tid is not None:
            return SpecialPlan((int(tid),), source=known[1])
    return SpecialPlan()
