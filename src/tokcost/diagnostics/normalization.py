"""Normalisation audit: the same text as NFC, NFD (conjoining jamo) and NFKC, per tokenizer.

Decomposed Hangul (NFD) is what macOS file names and some copy-paste paths produce; a tokenizer
without an NFC normaliser sees three jamo per syllable instead of one syllable.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from tokcost.tokenizers.base import Tokenizer

FORMS: tuple[Literal["NFC", "NFD", "NFKC"], ...] = ("NFC", "NFD", "NFKC")


def normal_forms(text: str) -> dict[str, str]:
    return {form: unicodedata.normalize(form, text) for form in FORMS}


@dataclass(frozen=True)
class NormalizationRow:
    tokenizer: str
    input_form: str  # "NFC" when the input already is NFC, else "other"
    tokens_input: int
    tokens_nfc: int
    tokens_nfd: int
    tokens_nfkc: int
    chars_nfc: int
    chars_nfd: int

    @property
    def nfd_over_nfc(self) -> float | None:
        return self.tokens_nfd / self.tokens_nfc if self.tokens_nfc else None

    @property
    def nfkc_over_nfc(self) -> float | None:
        return self.tokens_nfkc / self.tokens_nfc if self.tokens_nfc else None

    def as_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "tokenizer": self.tokenizer,
            "input_form": self.input_form,
            "tokens_input": self.tokens_input,
            "tokens_nfc": self.tokens_nfc,
            "tokens_nfd": self.tokens_nfd,
            "tokens_nfkc": self.tokens_nfkc,
            "nfd_over_nfc": r(self.nfd_over_nfc),
            "nfkc_over_nfc": r(self.nfkc_over_nfc),
            "chars_nfc": self.chars_nfc,
            "chars_nfd": self.chars_nfd,
        }


def normalization_audit(text: str, tokenizers: Sequence[Tokenizer]) -> list[NormalizationRow]:
    """Tokens for ``text`` as given and under NFC, NFD and NFKC, on each tokenizer."""
    forms = normal_forms(text)
    form = "NFC" if forms["NFC"] == text else "other"
    rows = []
    for tok in tokenizers:
        n_in, n_nfc, n_nfd, n_nfkc = tok.count([text, forms["NFC"], forms["NFD"], forms["NFKC"]])
        rows.append(NormalizationRow(tok.id, form, n_in, n_nfc, n_nfd, n_nfkc,
                                     len(forms["NFC"]), len(forms["NFD"])))
    return rows
