"""``tokcost corpora validate``: every check, all problems collected, and a summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tokcost.corpora.aligned import AlignedCorpus
from tokcost.corpora.base import Corpus
from tokcost.errors import CorpusError


@dataclass
class ValidationReport:
    corpus: str
    kind: str
    records: int = 0
    domains: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sha256: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_corpus(corpus: Corpus, max_problems: int = 100) -> ValidationReport:
    report = ValidationReport(corpus.name, corpus.kind)
    corpus.problems = []
    try:
        if isinstance(corpus, AlignedCorpus):
            corpus.check_alignment()
        for pair in corpus.pairs():
            report.records += 1
            report.domains[pair.domain or "-"] += 1
            if len(corpus.problems) >= max_problems:
                break
        report.sha256 = corpus.sha256()
    except CorpusError as err:
        report.errors.append(err.render())
    report.errors.extend(e.render() for e in corpus.problems)
    corpus.problems = None
    if len(report.errors) >= max_problems:
        report.warnings.append(f"stopped after {max_problems} problems")
    st = corpus.stats
    if st.non_nfc:
        where = f" (first: {st.first_non_nfc[0]}:{st.first_non_nfc[1]})" if st.first_non_nfc else ""
        kind = "decomposed Hangul (NFD jamo)" if st.jamo else "non-NFC text"
        report.warnings.append(
            f"{st.non_nfc} texts are {kind}{where}; they inflate token counts — "
            "measure with --normalize nfc"
        )
    if st.replaced:
        report.warnings.append(f"{st.replaced} lines had invalid UTF-8 replaced by U+FFFD")
    if report.records == 0 and not report.errors:
        report.errors.append(f"{corpus.name}: no pairs found")
    return report
