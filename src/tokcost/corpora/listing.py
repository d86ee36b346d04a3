"""What ``tokcost corpora list|show`` shows, as typed rows (``schema.listing.CorpusListRecord``,
``CorpusShowRecord``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tokcost.corpora.records import Pair


def shipped_corpora() -> list[dict[str, Any]]:
    """The shipped corpora: each domain of the samples, the samples whole, and the chat
    requests, with their pair (request) counts."""
    from tokcost.corpora import open_corpus, requests_file
    from tokcost.corpora.requests import load_requests
    from tokcost.schema.base import checked
    from tokcost.schema.listing import CorpusListRecord

    counts: dict[str, int] = {}
    for pair in open_corpus("samples"):
        counts[pair.domain or "-"] = counts.get(pair.domain or "-", 0) + 1
    rows: list[dict[str, Any]] = [
        {"name": f"samples/{d}", "corpus": "samples", "domain": d, "pairs": n}
        for d, n in sorted(counts.items())]
    rows.append({"name": "samples", "corpus": "samples", "domain": "all",
                 "pairs": sum(counts.values())})
    rows.append({"name": "requests", "corpus": "requests", "domain": "chat-requests",
                 "pairs": len(load_requests(requests_file()))})
    return checked(CorpusListRecord, rows)


def pair_rows(pairs: Iterable[Pair], limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` pairs of a corpus (``open_corpus``: as read, NFC-normalized if it
    was opened so) as ``tokcost corpora show`` writes them."""
    from itertools import islice

    from tokcost.schema.base import checked
    from tokcost.schema.listing import CorpusShowRecord

    return checked(CorpusShowRecord, [{"id": p.id, "domain": p.domain, "ko": p.ko, "en": p.en}
                                      for p in islice(pairs, limit)])
