"""``tokcost pricing update``: newer genai-prices data into the user cache, atomically.

The fetch is genai-prices' own updater (``genai_prices.UpdatePrices(url=...).fetch()``, the
method its background task calls), which downloads the data and validates it into providers. The
same bytes are then written atomically to ``<cache>/pricing/genai-prices-data.json`` with a
``.meta.json`` recording the date, URL and sha256; :mod:`tokcost.pricing.maintained` reads them
from then on. Nothing here runs unless the user asks: offline is the default.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from tokcost.errors import TokcostError

MAX_BYTES = 64 * 1024 * 1024


def update(url: str | None = None, *, timeout: float = 30.0,
           today: date | None = None) -> dict[str, Any]:
    """Fetch, validate and store the data; returns what was recorded."""
    import httpx2
    from genai_prices import UpdatePrices
    from genai_prices.update_prices import DEFAULT_UPDATE_URL

    from tokcost.paths import atomic_write_bytes
    from tokcost.pricing.maintained import CACHE_FILE, CACHE_META, cache_dir, load_genai_prices

    src = url or DEFAULT_UPDATE_URL
    captured: dict[str, bytes] = {}

    class _Recording(UpdatePrices):
        """genai-prices' updater; keeps the raw bytes it validated (to store them)."""

        def fetch(self):  # type: ignore[no-untyped-def,unused-ignore]
            real_get = httpx2.get

            def get(*a: Any, **kw: Any) -> Any:
                r = real_get(*a, **kw)
                if len(r.content) > MAX_BYTES:
                    raise TokcostError(f"genai-prices data from {src} is over {MAX_BYTES} bytes")
                captured["body"] = r.content
                return r

            httpx2.get = get
            try:
                return super().fetch()
            finally:
                httpx2.get = real_get

    updater = _Recording(url=src, request_timeout=httpx2.Timeout(timeout=timeout,
                                                                  connect=min(timeout, 10)))
    try:
        snap = updater.fetch()
    except TokcostError:
        raise
    except Exception as exc:  # network, HTTP status, JSON or schema: one line
        raise TokcostError(f"cannot update genai-prices data from {src} ({type(exc).__name__}: "
                           f"{str(exc)[:200]})", hint="check the URL / network; the installed "
                           "data stays in use") from None
    body = captured.get("body")
    if snap is None or body is None:
        raise TokcostError(f"genai-prices' updater returned no data from {src}")
    folder = cache_dir()
    info = {"fetched": (today or date.today()).isoformat(), "url": src,
            "sha256": hashlib.sha256(body).hexdigest(), "providers": len(snap.providers),
            "models": sum(len(p.models) for p in snap.providers),
            "path": str(folder / CACHE_FILE)}
    atomic_write_bytes(folder / CACHE_FILE, body)
    atomic_write_bytes(folder / CACHE_META, json.dumps(info, indent=2).encode())
    load_genai_prices.cache_clear()
    return info
