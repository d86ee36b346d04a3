"""``tokcost tokenizers list|show|pull``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tokcost.cli.common import ListFmt

app = typer.Typer(help="The tokenizer catalog: what tokcost knows, what is on this machine, "
                  "and fetching the rest.", no_args_is_help=True)

SCHEMA_LIST = "tokcost/tokenizers-list/1"
# One entry: the document carries the entry's fields, the rows are its resolution steps.
SCHEMA_SHOW = "tokcost/tokenizers-show/1"


@app.command("list")
def list_(
    available: Annotated[bool, typer.Option("--available", help="Only tokenizers on this machine.")] = False,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table,
) -> None:
    """Every catalog entry, available or not, and where it resolves from."""
    from tokcost.output import Output, emit
    from tokcost.tokenizers.listing import catalog_rows

    rows = catalog_rows(available_only=available)
    if fmt is ListFmt.table:
        rows = [{**r, "where": r["source"] or ("proxy → " + r["proxy"] if r["proxy"] else "missing"),
                 "kr": "KR" if r["korean_trained"] else ""} for r in rows]
    emit(Output(SCHEMA_LIST, rows, [("id", "id"), ("name", "name"), ("kr", "KR"),
                                    ("backend", "backend"), ("exactness", "exact"),
                                    ("available", "available"), ("where", "source")]), fmt.value)


@app.command()
def show(
    tokenizer: Annotated[str, typer.Argument(help="Catalog id or spec (ID=PATH names a file).")],
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table,
) -> None:
    """One entry: metadata, every place its files are looked for, and which one is used."""
    from tokcost.tokenizers.listing import entry_detail
    from tokcost.tokenizers.resolver import pull_hint

    detail = entry_detail(tokenizer)
    entry, target, cands, res, info = (detail.entry, detail.target, detail.candidates,
                                       detail.resolution, detail.info)
    if fmt is ListFmt.json:
        # The versioned envelope; ``resolution`` (the same list as ``rows``) stays for readers
        # of the output from before the envelope.
        from tokcost.output import Output, emit

        emit(Output(SCHEMA_SHOW, info["resolution"],
                    meta={k: v for k, v in info.items() if k not in ("schema", "rows")}), "json")
        return
    from rich.console import Console

    con = Console()
    con.print(f"[bold]{entry.id}[/] — {entry.name} ({entry.vendor}, {entry.country})")
    for key in ("backend", "exactness", "proxy", "repo", "encoding", "licence"):
        if info.get(key):
            con.print(f"  {key:10} {info[key]}")
    if entry.models:
        con.print(f"  {'models':10} {', '.join(entry.models)}")
    if entry.note:
        con.print(f"  {'note':10} {entry.note}")
    if entry.countable:
        con.print("  resolution order:")
        from tokcost.hashing import sha256_file

        for i, c in enumerate(cands, 1):
            mark = "[green]found[/]" if c.found else "[dim]absent[/]"
            if c.found and target.sha256 and c.path.is_file():
                try:  # a copy that fails the catalog's sha256 is not "found"
                    if sha256_file(c.path) != target.sha256:
                        mark = "[yellow]sha256 differs (unverified)[/]"
                except OSError:
                    mark = "[yellow]unreadable[/]"
            extra = f" ({c.note})" if c.note else ""
            con.print(f"    {i}. {c.origin:15} {mark}  {c.path}{extra}", highlight=False)
        con.print(f"    {len(cands) + 1}. download        only with `{pull_hint(target)}`")
        if res:
            v = {True: "matches catalog", False: "differs from catalog", None: "no catalog hash"}
            con.print(f"  [bold]uses[/] {res.path} (sha256 {res.sha256[:16]}…, "
                      f"{v[res.verified]})", highlight=False)
            con.print(f"  identity   {res.identity} ({res.identity_reason})", highlight=False)
        else:
            con.print(f"  [yellow]not on this machine[/]: run `{pull_hint(target)}`")


def pull_progress(i: int, n: int, entry, got) -> None:
    """One line per tokenizer on stderr as it finishes: ``[3/17] ax-4.0: downloaded …``."""
    from tokcost.errors import one_line

    if got.pulled is not None:
        line = f"[{i}/{n}] {entry.id}: {got.pulled.summary()}"
    else:
        line = f"[{i}/{n}] {entry.id}: FAILED {got.error}"
    typer.echo(one_line(line), err=True)


@app.command()
def pull(
    tokenizers: Annotated[list[str] | None, typer.Argument(help="Catalog ids (or hf:ORG/REPO).")]
    = None,
    korean: Annotated[
        bool,
        typer.Option("--korean", help="Every public Korean-trained tokenizer in the catalog "
                     "(EXAONE, A.X, Solar, HyperCLOVA X SEED, Kanana, Mi:dm, Trillion, KORMo …): "
                     "only the tokenizer files, never weights."),
    ] = False,
    to: Annotated[
        Path | None,
        typer.Option("--to", help="Write a mirror here (<org>/<repo>/…, tiktoken/…) instead of "
                     "the user cache; usable as TOKCOST_TOKENIZERS_DIR."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a file that differs from the catalog's sha256 "
                     "(or, for entries without one, download again)."),
    ] = False,
) -> None:
    """Download tokenizer files (the only command that uses the network).

    Reads HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE like huggingface_hub, TOKCOST_DOWNLOAD_TIMEOUT
    (a total deadline per tokenizer, seconds) and TOKCOST_DOWNLOAD_MAX_MB. Progress goes to
    stderr, one line per tokenizer; with several, a failure (a gated repository names its licence
    page) does not stop the others, and the exit code is 1 when any failed. Every file is
    verified as `tokcost tokenizers verify` does; one that fails the identity the catalog records
    is kept as unverified and the exit code is 1.
    """
    from tokcost.errors import TokcostError
    from tokcost.tokenizers.catalog import parse_spec
    from tokcost.tokenizers.pull import korean_entries, pull_many

    if not tokenizers and not korean:
        raise TokcostError("name tokenizers to pull, or pass --korean",
                           hint="e.g. tokcost tokenizers pull ax-4.0, or tokcost tokenizers pull "
                           "--korean")
    entries = [parse_spec(spec) for spec in tokenizers or []]
    if korean:
        have = {e.id for e in entries}
        entries += [e for e in korean_entries() if e.id not in have]
    if len(entries) == 1:  # one tokenizer: its error is the command's one line
        from tokcost.tokenizers.pull import pull as do_pull

        entry = entries[0]
        got = do_pull(entry, to, force=force)
        name = entry.id if got.tokenizer == entry.id else f"{entry.id} (proxy: {got.tokenizer})"
        print(f"{name}: {got.summary()}")
        if got.failed_identity:
            _identity_failed([got])
        return
    outcomes = pull_many(entries, to, force=force, progress=pull_progress)
    pulled = [o.pulled for o in outcomes if o.pulled is not None]
    for o in outcomes:
        if o.pulled is not None:
            print(f"{o.entry.id}: {o.pulled.summary()}")
    failed = len(outcomes) - len(pulled)
    verified = sum(1 for p in pulled if p.verified)
    typer.echo(f"{len(pulled)} of {len(outcomes)} tokenizers on this machine ({verified} "
               "verified)" + (f", {failed} failed (see above)" if failed else ""), err=True)
    bad = [p for p in pulled if p.failed_identity]
    if bad:
        _identity_failed(bad)
    if failed:
        raise typer.Exit(1)


def _identity_failed(bad: list) -> None:
    """Exit 1: a pulled file has none of the identities the catalog records for it."""
    names = ", ".join(p.tokenizer for p in bad)
    typer.echo(f"tokcost: {names}: the file fails the identity the catalog records (kept, but "
               "counted as unverified / presumed, never exact); re-pull with --force, or report "
               "it if upstream changed", err=True)
    raise typer.Exit(1)


SCHEMA_VERIFY = "tokcost/tokenizers-verify/1"


@app.command()
def verify(
    targets: Annotated[
        list[str] | None,
        typer.Argument(help="Catalog ids, ID=PATH specs or tokenizer files (default: every "
                       "catalog entry on this machine)."),
    ] = None,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table,
) -> None:
    """Prove a tokenizer file's identity: sha256, git blob id and llama.cpp's pre-tokenizer check.

    Exit 1 when a file is unverified (it matches no identity the catalog records)."""
    from tokcost.output import Output, emit
    from tokcost.tokenizers.catalog import load_catalog
    from tokcost.tokenizers.resolver import is_available
    from tokcost.tokenizers.verify import verify as do_verify

    if targets:
        results = [do_verify(t) for t in targets]
    else:
        results = [do_verify(e) for e in load_catalog().values()
                   if e.backend not in ("api", "proxy") and is_available(e)]
    rows = [r.as_dict() for r in results]
    if fmt is ListFmt.table:
        rows = [{**r, "checked": ", ".join(f"{c['kind']} {'ok' if c['passed'] else 'FAIL'}"
                                           for c in r["checks"]) or "-"} for r in rows]
    emit(Output(SCHEMA_VERIFY, rows, [("tokenizer", "tokenizer"), ("identity", "identity"),
                                      ("checked", "checks"), ("reason", "why"), ("path", "file")]),
         fmt.value)
    if any(not r.ok for r in results):
        raise typer.Exit(1)


SCHEMA_API_PLAN = "tokcost/api-plan/1"


@app.command("api-plan")
def api_plan(
    tokenizers: Annotated[list[str], typer.Option(
        "--tokenizer", "-t", help="API-counted catalog ids (claude, claude-5, gemini, hcx-api) "
        "or api:VENDOR/MODEL.")],
    corpora: Annotated[list[str] | None, typer.Option(
        "--corpus", "-c", help="Corpora (default: samples).")] = None,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f")] = ListFmt.table,
) -> None:
    """Dry run of `--api-count`: how many vendor API calls counting these corpora needs (texts
    not yet in the cache, plus a one-off framing probe). Makes no call and needs no key."""
    import os

    from tokcost.corpora import open_corpus
    from tokcost.errors import TokcostError
    from tokcost.output import Output, emit
    from tokcost.tokenizers.api_backend import VendorCounter
    from tokcost.tokenizers.catalog import parse_spec
    from tokcost.tokenizers.switches import api_model

    texts: list[str] = []
    for spec in corpora or ["samples"]:
        for pair in open_corpus(spec):
            texts.append(pair.ko)
            if pair.en:
                texts.append(pair.en)
    rows = []
    for spec in tokenizers:
        entry = parse_spec(spec)
        if not entry.api:
            raise TokcostError(f"{entry.id} is not counted through a vendor API",
                               hint="API-counted: claude, claude-5, gemini, hcx-api or api:VENDOR/MODEL")
        counter = VendorCounter(entry.api, api_model(entry))
        plan = counter.plan(texts)
        has_key = any(os.environ.get(v) for v in counter.mod.KEY_ENVS)
        rows.append({"tokenizer": entry.id, "vendor": entry.api, "model": counter.model, **plan,
                     "key_set": has_key, "key_env": " or ".join(counter.mod.KEY_ENVS)})
    emit(Output(SCHEMA_API_PLAN, rows, [("tokenizer", "tokenizer"), ("model", "model"),
                                        ("texts", "texts"), ("distinct", "distinct"),
                                        ("cached", "cached"), ("calls", "calls needed"),
                                        ("key_set", "key set")]), fmt.value)
