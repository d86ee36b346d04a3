"""User-facing errors: each one renders as a single clear line, never a traceback.

Every line tokcost prints about an error or a warning goes through :func:`redact`, so no secret
(``HF_TOKEN``, a password inside ``HF_ENDPOINT``, an API key from the environment) ever reaches
stdout, stderr or a log, whatever library message it was quoted from.
"""

from __future__ import annotations

import os
import re

#: Environment variables whose values are secrets, whatever their length.
SECRET_ENV = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HUGGINGFACE_HUB_TOKEN", "ANTHROPIC_API_KEY",
              "GOOGLE_API_KEY", "GEMINI_API_KEY", "OPENAI_API_KEY", "CLOVASTUDIO_API_KEY",
              "NCP_CLOVASTUDIO_API_KEY", "UPSTAGE_API_KEY", "MISTRAL_API_KEY")
_SECRET_NAME = re.compile(r"TOKEN|API_?KEY|SECRET|PASSWORD|PASSWD|CREDENTIAL", re.IGNORECASE)
#: Names that match ``_SECRET_NAME`` but hold paths or settings users must see in messages (the
#: mirror folder a file came from): tokenizer settings, and tiktoken's cache directory.
_NOT_SECRET_NAME = re.compile(r"TOKENIZER|^TIKTOKEN_CACHE_DIR$|^DATA_GYM_CACHE_DIR$",
                              re.IGNORECASE)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@'\"]*@")
_BEARER = re.compile(r"(?i)\b(bearer\s+|(?:token|authorization|api[_-]?key)['\"]?\s*[:=]\s*"
                     r"['\"]?(?:bearer\s+)?)[A-Za-z0-9_\-.~+/=\\]{3,}")
_HF_TOKEN = re.compile(r"\bhf_[A-Za-z0-9]{6,}")
MASK = "***"


def _secret_values() -> list[str]:
    values: set[str] = set()
    for name, value in os.environ.items():
        if not value:
            continue
        if name in SECRET_ENV or (_SECRET_NAME.search(name) and not _NOT_SECRET_NAME.search(name)
                                  and len(value.strip()) >= 8):
            values.add(value)
        if name == "HF_ENDPOINT" or name.endswith("_PROXY") or name.endswith("_proxy"):
            m = re.match(r"(?i)[a-z][a-z0-9+.-]*://([^/@]*)@", value.strip())
            if m and m.group(1):
                values.add(m.group(1))
    forms: set[str] = set()
    for v in values:
        for f in (v, v.strip(), repr(v)[1:-1], repr(v.encode("utf-8", "replace"))[2:-1]):
            if len(f) >= 3:
                forms.add(f)
        for part in re.split(r"[:\s]+", v.strip()):
            if len(part) >= 4:
                forms.add(part)
    return sorted(forms, key=len, reverse=True)


def redact(text: str) -> str:
    """``text`` with every known secret replaced by ``***``."""
    for secret in _secret_values():
        text = text.replace(secret, MASK)
    text = _USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)
    text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    return _HF_TOKEN.sub("hf_" + MASK, text)


def one_line(text: str) -> str:
    """``text`` redacted and made a single printable line."""
    from tokcost.sanitize import one_line as _one

    return _one(redact(text))


#: Temporary files that stand for something else in messages: a spooled stdin is ``<stdin>``,
#: a spooled FIFO its own path (registered by ``tokcost.corpora``), never a deleted temp name.
PATH_ALIASES: dict[str, str] = {}


class TokcostError(Exception):
    """An error caused by the user's input or environment.

    ``str(err)`` is one line: where (file and line when known), what is wrong and how to fix it.
    The CLI prints it and exits with ``exit_code``. Secrets are redacted from it.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.hint = hint
        self.path = path
        self.line = line
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.path is not None:
            path = PATH_ALIASES.get(self.path, self.path)
            where = f"{path}:{self.line}: " if self.line is not None else f"{path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return one_line(text)


class TokenizerUnavailable(TokcostError):
    """A tokenizer's files are not on this machine and downloading was not asked for."""


class DownloadError(TokcostError):
    """Fetching tokenizer files failed."""


class CorpusError(TokcostError):
    """A corpus file is missing, unreadable or malformed."""


class PricingError(TokcostError):
    """A price table is malformed."""


def positive_env(name: str, default: float, unit: str) -> float:
    """``$name`` as a positive finite number (``default`` when unset); anything else is one line
    naming the variable (downloads' size cap and timeout, the Dask workers' timeout)."""
    import math

    raw = os.environ.get(name, str(default))
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise TokcostError(f"{name}={raw!r} is not a positive number of {unit}",
                           hint=f"set {name}={default}, or unset it")
    return value
