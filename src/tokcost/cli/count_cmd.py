"""``tokcost count``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from tokcost.cli.common import (
    DownloadOpt,
    Fmt,
    ForceOpt,
    OutOpt,
    SpecialOpt,
    TokOpt,
    TrustOpt,
)
from tokcost.cli.measure_cmd import ClusterOpt, EngineOpt

SCHEMA = "tokcost/count/1"
CHUNK_TEXTS = 64  # whole files per chunk sent to a worker ...
CHUNK_CHARS = 8 << 20  # ... or fewer when they are large


def _stdin_text() -> str:
    """Standard input as text: UTF-8 (a leading BOM dropped, as from a file), or one clear line."""
    from tokcost.errors import CorpusError

    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorpusError(
            f"invalid UTF-8 at byte {exc.start + 1} ({data[exc.start:exc.start + 4]!r})",
            path="<stdin>", line=line,
            hint="convert the input to UTF-8 (e.g. iconv -f cp949 -t utf-8)",
        ) from None


def _argv_text(text: str) -> str:
    """TEXT from the command line: invalid UTF-8 there reaches Python as lone surrogates
    (surrogateescape), which no tokenizer can count: one clear line instead. A leading BOM is
    dropped, as from a file or stdin."""
    from tokcost.errors import CorpusError

    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        raw = f"byte 0x{ord(bad) - 0xDC00:02x}" if "\udc80" <= bad <= "\udcff" \
            else f"U+{ord(bad):04X}"
        raise CorpusError(
            f"the TEXT argument is not valid UTF-8 ({raw} at character {exc.start + 1})",
            hint="set a UTF-8 locale, or pass the text as a UTF-8 file with --file",
        ) from None
    return text.removeprefix("\ufeff")


def _sources(text: str | None, files: list[str]) -> list[tuple[str, Path | None, str | None]]:
    """(label, file, inline text) per input, globs expanded in sorted order."""
    from tokcost.corpora import glob_files, is_glob

    out: list[tuple[str, Path | None, str | None]] = []
    if text is not None:
        out.append(("stdin", None, _stdin_text()) if text == "-" else ("text", None,
                                                                        _argv_text(text)))
    for f in files:
        if f == "-":
            out.append(("stdin", None, _stdin_text()))
        elif is_glob(f):
            out.extend((str(p), p, None) for p in glob_files(f))
        else:
            out.append((f, Path(f), None))
    return out


def _chunks(sources, sizes: list[tuple[int, int]]) -> Iterator[tuple[list[str], None]]:
    """Whole texts in chunks; records each text's chars and bytes as it is read."""
    from tokcost.corpora.base import read_text_file

    batch: list[str] = []
    chars = 0
    for _label, path, inline in sources:
        body = inline if inline is not None else read_text_file(path)
        sizes.append((len(body), len(body.encode("utf-8"))))
        batch.append(body)
        chars += len(body)
        if len(batch) >= CHUNK_TEXTS or chars >= CHUNK_CHARS:
            yield batch, None
            batch, chars = [], 0
    if batch:
        yield batch, None


def register(app: typer.Typer) -> None:
    @app.command()
    def count(
        text: Annotated[str | None, typer.Argument(help="Text to count; '-' reads stdin.")] = None,
        files: Annotated[
            list[str] | None,
            typer.Option("--file", help="Count a whole file ('-' = stdin), or every file a quoted "
                         "glob matches ('logs/**/*.txt'). Repeatable."),
        ] = None,
        tokenizer: TokOpt = None,
        fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.table,
        output: OutOpt = None,
        force: ForceOpt = False,
        total: Annotated[bool, typer.Option(
            "--total", help="One row per tokenizer: the sum over all inputs.")] = False,
        add_special_tokens: SpecialOpt = False,
        workers: Annotated[int, typer.Option(
            help="Worker processes (1 = in this process; with --engine dask and no --cluster, "
            "the local cluster's size, 1 = one per CPU).")] = 1,
        engine: EngineOpt = "local",
        cluster: ClusterOpt = None,
        download: DownloadOpt = False,
        trust_remote_code: TrustOpt = False,
    ) -> None:
        """Token counts per tokenizer for a text, files or stdin, with chars and bytes per token."""
        from tokcost.counting import load_many, rows_from_counts
        from tokcost.engines import check_engine
        from tokcost.engines.local import count_chunks
        from tokcost.errors import TokcostError
        from tokcost.output import Output, emit, name_proxies

        check_engine(engine)
        sources = _sources(text, files or [])
        if not sources:
            if sys.stdin.isatty():
                raise TokcostError("nothing to count", hint="give TEXT, --file PATH or pipe stdin")
            sources.append(("stdin", None, _stdin_text()))
        toks = load_many(tokenizer, download=download, trust_remote_code=trust_remote_code)
        sizes: list[tuple[int, int]] = []
        counts: dict[str, list[int]] = {t.id: [] for t in toks}
        for result in count_chunks(toks, _chunks(sources, sizes), add_special_tokens=add_special_tokens,
                                   workers=workers, trust_remote_code=trust_remote_code,
                                   engine=engine, cluster=cluster):
            for tid, (c, _) in result.items():
                counts[tid].extend(c.tokens)
        rows = [r.as_dict() for r in rows_from_counts(
            toks, [label for label, _, _ in sources], sizes, counts, total=total)]
        cols = [("tokenizer", "tokenizer"), ("tokens", "tokens"), ("chars", "chars"),
                ("bytes", "bytes"), ("chars_per_token", "chars/token"),
                ("bytes_per_token", "bytes/token"), ("identity", "identity")]
        if len(sources) > 1 and not total:
            cols.insert(1, ("input", "input"))
        if fmt in (Fmt.table, Fmt.markdown):  # JSON and CSV keep the fields as they are
            rows = name_proxies(rows)
        emit(Output(SCHEMA, rows, cols), fmt.value, output, force)
