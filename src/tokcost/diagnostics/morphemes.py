"""Korean morphemes from Kiwi (``kiwipiepy``), the optional ``tokcost[morph]`` extra.

Kiwi's model ships in the ``kiwipiepy_model`` package from PyPI: nothing is downloaded at run
time. The analyser is loaded once per process (about a second) and then analyses thousands of
sentences a second. See docs/diagnostics.md for why Kiwi and not MeCab-ko.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from tokcost.errors import TokcostError

EXTRA = "morph"
INSTALL_HINT = 'pip install "tokcost[morph]"'


class MorphAnalyserMissing(TokcostError):
    """The Korean morphological analyser (the ``morph`` extra) is not installed."""


@dataclass(frozen=True)
class Morpheme:
    form: str
    tag: str  # Sejong-style part-of-speech tag (NNG, JKS, EF, SF, …)
    start: int  # character offsets into the analysed text
    end: int


@cache
def _kiwi() -> Any:
    try:
        from kiwipiepy import Kiwi
    except ImportError:
        raise MorphAnalyserMissing(
            "morpheme counts need the Korean morphological analyser Kiwi (kiwipiepy)",
            hint=INSTALL_HINT,
        ) from None
    try:
        return Kiwi()
    except Exception as exc:  # a broken or partial install (e.g. kiwipiepy_model missing)
        raise MorphAnalyserMissing(f"kiwipiepy is installed but cannot load its model ({exc})",
                                   hint=f"reinstall it: {INSTALL_HINT}") from None


def unload() -> None:
    """Forget the loaded analyser (its model is ~500 MB); the next use loads it again."""
    _kiwi.cache_clear()


def available() -> bool:
    """Whether the analyser can be loaded (loads it)."""
    try:
        _kiwi()
    except MorphAnalyserMissing:
        return False
    return True


def analyser_name() -> str:
    """``kiwipiepy 0.24.1`` (model 0.24.0): what produced the morpheme counts."""
    from importlib import metadata

    _kiwi()
    version = metadata.version("kiwipiepy")
    try:
        model = metadata.version("kiwipiepy_model")
    except metadata.PackageNotFoundError:
        model = "?"
    return f"kiwipiepy {version} (model {model})"


def analyse(texts: Sequence[str]) -> list[list[Morpheme]]:
    """The morphemes of each text, in order, punctuation, numbers and foreign words included."""
    kiwi = _kiwi()
    out: list[list[Morpheme]] = []
    todo = [t for t in texts if t.strip()]
    results = iter(kiwi.tokenize(todo)) if todo else iter(())
    for text in texts:
        if not text.strip():
            out.append([])
            continue
        out.append([Morpheme(m.form, str(m.tag), m.start, m.start + m.len)
                    for m in next(results)])
    return out


def count_morphemes(texts: Sequence[str]) -> list[int]:
    """Number of morphemes in each text."""
    return [len(ms) for ms in analyse(texts)]
