"""The tokenizer catalog: every tokenizer tokcost knows, from ``tokenizers/catalog.toml``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tokcost import tomlsafe
from tokcost.errors import TokcostError

BACKENDS = ("tiktoken", "hf", "sentencepiece", "tekken", "transformers", "proxy", "api")
EXACTNESS = ("exact", "proxy", "none")
API_VENDORS = ("anthropic", "google", "naver")
# the record that validates catalog.toml: tokcost.schema.catalog.TokenizerIn


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


_HEADER = re.compile(r"^\s*\[\[\s*tokenizer\s*\]\]", re.MULTILINE)


@cache
def load_catalog(path: str | None = None) -> dict[str, CatalogEntry]:
    """Catalog entries by id, in file order, validated by
    :class:`tokcost.schema.catalog.CatalogIn` (one line naming the file, the entry's line and
    the field on the first problem)."""
    file = Path(path) if path else Path(__file__).with_name("catalog.toml")
    try:
        text = file.read_text(encoding="utf-8")
        doc = tomlsafe.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise TokcostError(f"cannot read the tokenizer catalog ({exc})", path=str(file),
                           hint="reinstall tokcost or give a readable UTF-8 catalog") from None
    except tomllib.TOMLDecodeError as exc:
        raise TokcostError(f"the tokenizer catalog is not valid TOML: {exc}", path=str(file),
                           hint="reinstall tokcost or fix the catalog's syntax") from None
    from pydantic import ValidationError

    from tokcost.schema.catalog import CatalogIn, explain_catalog

    try:
        typed = CatalogIn.model_validate(doc)
    except ValidationError as exc:
        index, what, hint = explain_catalog(exc, doc)
        heads = [text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(text)]
        line = heads[index] if index is not None and index < len(heads) else None
        raise TokcostError(what, hint=hint, path=str(file), line=line) from None
    return {t.id: CatalogEntry(**{**dict(t), "bundled": tuple(Bundled(**dict(b))
                                                               for b in t.bundled)})
            for t in typed.tokenizer}


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
