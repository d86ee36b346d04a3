"""What ``tokcost corpora list`` shows, as typed rows (``schema.listing.CorpusListRecord``)."""

from __future__ import annotations

from typing import Any


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
