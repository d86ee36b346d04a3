"""The tokenizer catalog: every tokenizer tokcost knows, from ``tokenizers/catalog.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tokcost import tomlsafe
from tokcost.errors import TokcostError

BACKENDS = ("tiktoken", "hf", "sentencepiece", "tekken", "transformers", "proxy", "api")
EXACTNESS = ("exact", "proxy", "none")

_REQUIRED = ("id", "name", "vendor", "country", "backend", "licence", "exactness")
_ALLOWED = {
    *_REQUIRED,
    "korean_trained",
    "models",
    "encoding",
    "url",
    "sha256",
    "repo",
    "alt_repos",
    "file",
    "revision",
    "gated",
    "vocab_size",
    "note",
    "refs",
    "bundled",
    "proxy",
    "trust_remote_code",
    # recorded identities (tokcost.tokenizers.verify)
    "sha256_alt",
    "git_blob",
    "llamacpp",
    "llamacpp_hash",
    "llamacpp_bos",
    "ko_check_hash",
    # vendor token-count endpoints (tokcost.tokenizers.api_backend)
    "api",
    "api_model",
}
API_VENDORS = ("anthropic", "google", "naver")


@dataclass(frozen=True)
class Bundled:
    """A genuine copy of a tokenizer file inside an installed distribution's wheel."""

    distribution: str
    path: str


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    name: str
    vendor: str
    country: str
    backend: str
    licence: str
    exactness: str
    korean_trained: bool = False
    models: tuple[str, ...] = ()
    encoding: str | None = None
    url: str | None = None
    sha256: str | None = None
    repo: str | None = None
    alt_repos: tuple[str, ...] = ()
    file: str | None = None
    revision: str = "main"
    gated: bool = False
    vocab_size: int | None = None
    note: str = ""
    refs: tuple[str, ...] = ()
    bundled: tuple[Bundled, ...] = ()
    proxy: str | None = None
    trust_remote_code: bool = False
    sha256_alt: tuple[str, ...] = ()
    git_blob: tuple[str, ...] = ()
    llamacpp: str | None = None  # llama.cpp's name for the pre-tokenizer (tokenizer.ggml.pre)
    llamacpp_hash: str | None = None  # its chkhsh (get_vocab_base_pre)
    llamacpp_bos: str | None = None  # the BOS token the reference HF tokenizer prepends
    ko_check_hash: str | None = None  # tokcost's Korean check hash of the genuine file (identity.py)
    api: str | None = None  # anthropic | google | naver: a vendor token-count endpoint
    api_model: str | None = None  # the model the endpoint counts with by default
    adhoc: bool = field(default=False, compare=False)

    @property
    def repos(self) -> tuple[str, ...]:
        return ((self.repo,) if self.repo else ()) + self.alt_repos

    @property
    def countable(self) -> bool:
        """Whether tokcost can count with this entry: ``api`` entries only when vendor API
        counting is switched on (``--api-count``) and the vendor has a counter."""
        if self.backend != "api":
            return True
        from tokcost.tokenizers.switches import api_counting_enabled

        return self.api is not None and api_counting_enabled()

    @property
    def has_identity(self) -> bool:
        """Whether the catalog records anything a downloaded file can be checked against."""
        return bool(self.sha256 or self.sha256_alt or self.git_blob or self.llamacpp_hash)

    def pull_command(self) -> str:
        return f"tokcost tokenizers pull {self.id}"


def _entry_from_dict(raw: dict, where: str) -> CatalogEntry:
    unknown = set(raw) - _ALLOWED
    if unknown:
        raise TokcostError(f"unknown catalog field(s) {sorted(unknown)}", path=where)
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise TokcostError(f"catalog entry misses {missing}", path=where)
    if raw["backend"] not in BACKENDS:
        raise TokcostError(f"unknown backend {raw['backend']!r}", path=where)
    if raw["exactness"] not in EXACTNESS:
        raise TokcostError(f"unknown exactness {raw['exactness']!r}", path=where)
    data = dict(raw)
    for key in ("models", "alt_repos", "refs", "sha256_alt", "git_blob"):
        if key in data:
            data[key] = tuple([data[key]] if isinstance(data[key], str) else data[key])
    for key, value in [("sha256", data.get("sha256")), ("llamacpp_hash", data.get("llamacpp_hash")),
                       ("ko_check_hash", data.get("ko_check_hash")),
                       *(("sha256_alt", v) for v in data.get("sha256_alt", ()))]:
        if value is not None and not _is_hex(value, 64):
            raise TokcostError(f"{key}: not a 64-digit hex sha256: {value!r}", path=where)
    for blob in data.get("git_blob", ()):
        if not _is_hex(blob, 40):
            raise TokcostError(f"git_blob: not a 40-digit hex id: {blob!r}", path=where)
    if "api" in data and data["api"] not in API_VENDORS:
        raise TokcostError(f"unknown api vendor {data['api']!r}", path=where,
                           hint=f"one of {', '.join(API_VENDORS)}")
    data["bundled"] = tuple(Bundled(**b) for b in data.get("bundled", ()))
    return CatalogEntry(**data)


def _is_hex(value: object, n: int) -> bool:
    return isinstance(value, str) and len(value) == n and all(c in "0123456789abcdef" for c in value)


@cache
def load_catalog(path: str | None = None) -> dict[str, CatalogEntry]:
    """Catalog entries by id, in file order."""
    file = Path(path) if path else Path(__file__).with_name("catalog.toml")
    try:
        doc = tomlsafe.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TokcostError(f"cannot read the tokenizer catalog ({exc})", path=str(file),
                           hint="reinstall tokcost or give a readable UTF-8 catalog") from None
    except tomllib.TOMLDecodeError as exc:
        raise TokcostError(f"the tokenizer catalog is not valid TOML: {exc}", path=str(file),
                           hint="reinstall tokcost or fix the catalog's syntax") from None
    rows = doc.get("tokenizer", [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise TokcostError("the tokenizer catalog must hold [[tokenizer]] tables", path=str(file),
                           hint="reinstall tokcost or fix the catalog")
    entries: dict[str, CatalogEntry] = {}
    for i, raw in enumerate(rows):
        entry = _entry_from_dict(raw, f"{file.name} entry {i + 1} ({raw.get('id', '?')})")
        if entry.id in entries:
            raise TokcostError(f"duplicate catalog id {entry.id!r}", path=str(file))
        entries[entry.id] = entry
    for entry in entries.values():
        if entry.backend == "proxy" and entry.proxy not in entries:
            raise TokcostError(f"{entry.id}: proxy {entry.proxy!r} is not in the catalog")
    return entries


def get_entry(tokenizer_id: str) -> CatalogEntry:
    catalog = load_catalog()
    if tokenizer_id in catalog:
        return catalog[tokenizer_id]
    lowered = {k.lower(): v for k, v in catalog.items()}
    if tokenizer_id.lower() in lowered:
        return lowered[tokenizer_id.lower()]
    import difflib

    close = difflib.get_close_matches(tokenizer_id, list(catalog), n=3)
    hint = f"did you mean {', '.join(close)}?" if close else "see `tokcost tokenizers list`"
    raise TokcostError(f"unknown tokenizer {tokenizer_id!r}", hint=hint)


def backend_for_file(path: Path) -> str:
    """Which backend reads a tokenizer file, from its name."""
    name = path.name
    if name.endswith(".tiktoken"):
        return "tiktoken"
    if name.startswith("tekken") and name.endswith(".json"):
        return "tekken"
    if name.endswith(".json"):
        return "hf"
    if ".model" in name:  # tokenizer.model, tokenizer.model.v3, spiece.model
        return "sentencepiece"
    raise TokcostError(
        f"cannot tell which tokenizer format {name!r} is",
        path=str(path),
        hint="expected tokenizer.json, tekken.json, *.model or *.tiktoken",
    )


# Files looked for, in order, when a directory or an ad-hoc hub repo is named.
DIR_CANDIDATES = ("tokenizer.json", "tekken.json", "tokenizer.model", "tokenizer.model.v3", "spiece.model")


def parse_spec(spec: str) -> CatalogEntry:
    """A catalog id, or an ad-hoc spec: ``hf:org/repo``, ``tiktoken:NAME`` or a local path."""
    if spec.startswith("hf:"):
        from tokcost.paths import check_repo_id

        repo = spec[3:]
        if repo.count("/") != 1:
            raise TokcostError(f"bad spec {spec!r}", hint="write hf:ORG/REPO")
        check_repo_id(repo)  # before any path is built from it
        return CatalogEntry(
            id=spec,
            name=repo,
            vendor=repo.split("/")[0],
            country="?",
            backend="hf",
            licence="see repository",
            exactness="exact",
            repo=repo,
            file=None,
            adhoc=True,
        )
    if spec.startswith("api:"):
        vendor, _, model = spec[4:].partition("/")
        if vendor not in API_VENDORS or not model or any(c in model for c in "/?#\\ "):
            raise TokcostError(f"bad spec {spec!r}", hint=f"write api:VENDOR/MODEL, VENDOR one of "
                               f"{', '.join(API_VENDORS)}")
        return CatalogEntry(id=spec, name=f"{model} ({vendor} token-count API)", vendor=vendor,
                            country="?", backend="api", licence="proprietary", exactness="exact",
                            api=vendor, api_model=model, models=(model,), adhoc=True)
    if spec.startswith("tiktoken:"):
        from tokcost.paths import check_file_name

        name = check_file_name(spec.split(":", 1)[1], "tiktoken encoding name")
        catalog = load_catalog()
        if name in catalog and catalog[name].backend == "tiktoken":
            return catalog[name]
        return CatalogEntry(
            id=spec,
            name=f"tiktoken {name}",
            vendor="OpenAI",
            country="US",
            backend="tiktoken",
            licence="MIT",
            exactness="exact",
            encoding=name,
            adhoc=True,
        )
    path = Path(spec).expanduser()
    if path.exists() or "/" in spec or spec.endswith((".json", ".model", ".tiktoken")):
        if not path.exists():
            raise TokcostError("no such tokenizer file or directory", path=spec)
        return CatalogEntry(
            id=str(path),
            name=path.name if path.is_file() else str(path),
            vendor="local",
            country="?",
            backend=backend_for_file(path) if path.is_file() else "hf",
            licence="local file",
            exactness="exact",
            adhoc=True,
        )
    return get_entry(spec)
