"""User-facing errors: each one renders as a single clear line, never a traceback."""

from __future__ import annotations


class TokcostError(Exception):
    """An error caused by the user's input or environment.

    ``str(err)`` is one line: where (file and line when known), what is wrong and how to fix it.
    The CLI prints it and exits with ``exit_code``.
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
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class TokenizerUnavailable(TokcostError):
    """A tokenizer's files are not on this machine and downloading was not asked for."""


class DownloadError(TokcostError):
    """Fetching tokenizer files failed."""


class CorpusError(TokcostError):
    """A corpus file is missing, unreadable or malformed."""


class PricingError(TokcostError):
    """A price table is malformed."""
