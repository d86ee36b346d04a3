"""``tokcost inspect | coverage | normalization | breakdown | explain | fertility``: Korean
diagnostics.

Thin wrappers over :mod:`tokcost.diagnostics`; see docs/diagnostics.md.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tokcost.cli.common import (
    DownloadOpt,
    Fmt,
    ForceOpt,
    OutOpt,
    TokOpt,
    TrustOpt,
    write_output,
)

if TYPE_CHECKING:
    from tokcost.output import Output

SCHEMA_INSPECT = "tokcost/inspect/1"
SCHEMA_COVERAGE = "tokcost/coverage/1"
SCHEMA_NORMALIZATION = "tokcost/normalization/1"
SCHEMA_BREAKDOWN = "tokcost/breakdown/1"
SCHEMA_EXPLAIN = "tokcost/explain/1"
SCHEMA_FERTILITY = "tokcost/fertility/1"


class RankBy(StrEnum):
    occurrence = "occurrence"
    total = "total"


FmtOpt = Annotated[Fmt, typer.Option("--format", "-f", help="table, json, csv or markdown.")]

TextArg = Annotated[str | None, typer.Argument(help="Text to analyse; '-' reads stdin.")]
FileOpt = Annotated[
    Path | None, typer.Option("--file", help="Analyse a whole UTF-8 text file ('-' = stdin).")
]
_CORPUS_HELP = ("Shipped name (samples, samples/DOMAIN, requests), a .jsonl/.csv/.tsv pair file, "
                "KO_FILE,EN_FILE, a FLORES directory, or a text file (one unit per line).")
DiagDomainOpt = Annotated[
    str | None, typer.Option("--domain", help="Only the pairs of this domain (e.g. law).")
]


def _one_text(text: str | None, file: Path | None) -> tuple[str, str]:
    """``(label, text)`` from TEXT, --file or stdin: exactly one of them."""
    from tokcost.diagnostics.sources import read_text_file
    from tokcost.errors import TokcostError

    if text is not None and file is not None:
        raise TokcostError("give either TEXT or --file, not both")
    if file is not None:
        if str(file) == "-":
            return "stdin", sys.stdin.read()
        return str(file), read_text_file(file)
    if text is not None:
        return ("stdin", sys.stdin.read()) if text == "-" else ("text", text)
    if sys.stdin.isatty():
        raise TokcostError("nothing to analyse", hint="give TEXT, --file PATH or pipe stdin")
    return "stdin", sys.stdin.read()


def _with_labels(rows: list[dict[str, Any]], toks: list[Any]) -> list[dict[str, Any]]:
    """Rows with the labels of the tokenizer that counted them (``proxy_of``,
    ``tokenizer_match``, ``identity``, ``identity_method``) as fields, so every format has them."""
    labels = {t.id: {"proxy_of": t.resolution.proxy_of, **t.resolution.labels()} for t in toks}
    return [{**r, **labels.get(r.get("tokenizer"), {})} for r in rows]


def _table_output(
    schema: str, rows: list[dict[str, Any]], cols: Sequence[tuple[str, str]], toks: list[Any],
    fmt: str = "table", title: str | None = None, footer: list[str] | None = None,
    csv_all: bool = False, **meta: Any,
) -> Output:
    """The rows of one diagnostics table as an :class:`~tokcost.output.Output`, validated as the
    command's record (a renamed, missing or extra key fails here, not in a reader) with the
    labels of the tokenizer that counted them; tables and Markdown name proxies in the tokenizer
    column (``gemini (proxy: gemma-3)``), JSON and CSV keep ``tokenizer`` and ``proxy_of``."""
    from tokcost.output import Output, name_proxies
    from tokcost.schema.base import checked
    from tokcost.schema.diagnostics import BY_SCHEMA

    rows = checked(BY_SCHEMA[schema], _with_labels(rows, toks))
    shown = name_proxies(rows) if fmt in ("table", "markdown") else rows
    return Output(schema, shown, cols, title=title, meta=meta, footer=footer or [],
                  csv_columns=None if csv_all else [*(k for k, _ in cols), "proxy_of"])


def _emit(
    fmt: str, schema: str, rows: list[dict[str, Any]], cols: Sequence[tuple[str, str]],
    output: Path | None, force: bool, title: str | None = None, toks: list[Any] | None = None,
    footer: list[str] | None = None, csv_all: bool = False, **meta: Any,
) -> None:
    """Every format through the one renderer (:func:`_table_output`, then ``output.emit``)."""
    from tokcost.output import emit

    emit(_table_output(schema, rows, cols, toks or [], fmt, title, footer, csv_all, **meta), fmt,
         output, force)


INSPECT_COLS = (("tokenizer", "tokenizer"), ("tokens", "tokens"), ("chars", "chars"),
                ("chars_per_token", "chars/token"),
                ("byte_fallback_tokens", "byte-fallback tokens"),
                ("byte_fallback_groups", "byte-fallback groups"))
EXPLAIN_COLS = (("tokenizer", "tokenizer"), ("total_tokens", "tokens"), ("eojeol", "eojeol"),
                ("eojeol_tokens", "tokens in eojeol"), ("other_tokens", "other tokens"),
                ("fertility", "tokens/eojeol"), ("continued_share", "continued share"))
_WORD_COLS = (("eojeol", "eojeol"), ("occurrences", "n"),
              ("tokens_per_occurrence", "tokens/occurrence"), ("split", "split"))
_SAVE_COLS = (("eojeol", "eojeol"), ("occurrences", "n"), ("tokens_against", "tokens ref"),
              ("tokens", "tokens"), ("saved", "saved"), ("split", "split"),
              ("split_against", "split ref"))


def explain_outputs(doc: dict[str, Any], toks: list[Any], by: str) -> list[Output]:
    """``tokcost explain``'s tables for the table and Markdown views: the summary (with the
    tokenizers' labels), each tokenizer's costliest eojeol and each comparison's savings."""
    from tokcost.output import Output

    outs = [_table_output(SCHEMA_EXPLAIN, doc["tokenizers"], EXPLAIN_COLS, toks,
                          title="Eojeol cost")]
    for t in doc["tokenizers"]:
        outs.append(Output(SCHEMA_EXPLAIN, t["top"], _WORD_COLS,
                           title=f"{t['tokenizer']}: costliest eojeol (by {by})"))
    for c in doc["comparisons"]:
        share = c["saved_share"]
        pct = f" ({share:.1%})" if share is not None else ""
        outs.append(Output(
            SCHEMA_EXPLAIN, c["top_savings"], _SAVE_COLS,
            title=f"{c['tokenizer']} vs {c['against']}: saves {c['saved']:,} tokens over "
            f"the eojeol{pct} ({c['eojeol_tokens']:,} vs {c['eojeol_tokens_against']:,})"))
        if c["top_losses"]:
            outs.append(Output(SCHEMA_EXPLAIN, c["top_losses"], _SAVE_COLS,
                               title=f"{c['tokenizer']} vs {c['against']}: dearer on"))
    return outs


def _show_outputs(outs: list[Output], fmt: str, output: Path | None, force: bool) -> None:
    """Several tables, one after another, in ``fmt`` (table or markdown)."""
    from tokcost.output import emit, render

    if fmt == "table" and output is None:
        for o in outs:
            emit(o, "table")
        return
    write_output("\n".join(render(o, fmt) for o in outs), output, force)


def _show(renderables: list[Any], output: Path | None, force: bool) -> None:
    """Print rich renderables, or write them as plain text with ``-o``."""
    from rich.console import Console

    if output is None:
        from tokcost.cli.common import print_table

        for r in renderables:  # piped: each at its natural width, so cells keep whole words
            print_table(r)
        return
    import io

    buf = io.StringIO()
    console = Console(file=buf, width=120, color_system=None, force_terminal=False)
    for r in renderables:
        console.print(r)
    write_output(buf.getvalue(), output, force)


def _load(tokenizer: list[str] | None, download: bool, trust: bool):
    from tokcost.counting import load_many

    return load_many(tokenizer, download=download, trust_remote_code=trust)


def register(app: typer.Typer) -> None:
    @app.command()
    def inspect(
        text: TextArg = None,
        file: FileOpt = None,
        tokenizer: TokOpt = None,
        fmt: Annotated[Fmt, typer.Option(
            "--format", "-f", help="table (the boundaries and the counts), json (with every "
            "piece), csv or markdown (the counts).")] = Fmt.table,
        plain: Annotated[
            bool,
            typer.Option("--plain", help="No colours: '|' between tokens, ⟦…⟧ⁿ around n "
                         "byte-fallback pieces (the default when stdout is not a terminal)."),
        ] = False,
        output: OutOpt = None,
        force: ForceOpt = False,
        download: DownloadOpt = False,
        trust_remote_code: TrustOpt = False,
    ) -> None:
        """Token boundaries per tokenizer (alternating colours, byte-fallback pieces in red and
        underlined) and token counts side by side."""
        from rich.markup import escape
        from rich.rule import Rule

        from tokcost.diagnostics.boundaries import inspect_text, render_plain, render_rich
        from tokcost.output import renderable

        label, body = _one_text(text, file)
        toks = _load(tokenizer, download, trust_remote_code)
        results = inspect_text(body, toks)
        if fmt is not Fmt.table:  # the rows (pieces included in JSON), through the one renderer
            _emit(fmt.value, SCHEMA_INSPECT, [r.as_dict() for r in results], INSPECT_COLS, output,
                  force, toks=toks, csv_all=fmt is Fmt.json, input=label)
            return
        use_plain = plain or output is not None or not sys.stdout.isatty()
        out: list[Any] = []
        for r in results:
            note = "  (tokenizer normalised the input)" if r.alignment.normalized else ""
            if use_plain:
                out.append(f"── {r.tokenizer}: {r.tokens} tokens{note}")
                out.append(render_plain(r))
            else:
                out.append(Rule(escape(f"{r.tokenizer}: {r.tokens} tokens{note}"), align="left"))
                out.append(render_rich(r))
        out.append("")
        out.append(renderable(_table_output(SCHEMA_INSPECT, [r.as_dict() for r in results],
                                            INSPECT_COLS, toks)))
        if use_plain:
            _plain_print(out, output, force)
        else:
            _show(out, output, force)

    @app.command()
    def coverage(
        tokenizer: TokOpt = None,
        corpus: Annotated[
            str | None,
            typer.Option("--corpus", "-c", help="Adds coverage weighted by how often each "
                         "syllable occurs in this corpus's Korean. " + _CORPUS_HELP),
        ] = None,
        domain: DiagDomainOpt = None,
        top: Annotated[int, typer.Option("--top", help="Frequent multi-token syllables to list "
                                         "(json).")] = 10,
        fmt: FmtOpt = Fmt.table,
        output: OutOpt = None,
        force: ForceOpt = False,
        download: DownloadOpt = False,
        trust_remote_code: TrustOpt = False,
    ) -> None:
        """Hangul vocabulary coverage: the share of the 11,172 syllables and of the 2,350 KS X 1001
        syllables that encode as one token, and mean tokens per syllable."""
        from tokcost.diagnostics.coverage import hangul_coverage
        from tokcost.diagnostics.sources import read_corpus_text

        if domain is not None and corpus is None:
            corpus = "samples"
        label, body = read_corpus_text(corpus, domain=domain) if corpus else ("", None)
        toks = _load(tokenizer, download, trust_remote_code)
        rows = [hangul_coverage(t, body, source=label, top=top).as_dict() for t in toks]
        cols = [("tokenizer", "tokenizer"), ("single_token_share", "1-tok all"),
                ("ksx1001_share", "1-tok KS X"), ("mean_tokens_per_syllable", "tok/syl all"),
                ("ksx1001_mean_tokens", "tok/syl KS X")]
        if body is not None:
            cols += [("text_single_token_share", "1-tok text"),
                     ("text_mean_tokens_per_syllable", "tok/syl text")]
        _emit(fmt.value, SCHEMA_COVERAGE, rows, cols, output, force, toks=toks,
              title="Hangul syllables encoded as one token (11,172 precomposed; 2,350 KS X 1001)"
              if fmt is Fmt.table else None, corpus=label or None, domain=domain)

    @app.command()
    def normalization(
        text: TextArg = None,
        file: FileOpt = None,
        tokenizer: TokOpt = None,
        fmt: FmtOpt = Fmt.table,
        output: OutOpt = None,
        force: ForceOpt = False,
        download: DownloadOpt = False,
        trust_remote_code: TrustOpt = False,
    ) -> None:
        """Normalisation audit: tokens for the same text as NFC, NFD (jamo) and NFKC per
        tokenizer, and the inflation NFD/NFC."""
        from tokcost.diagnostics.normalization import normalization_audit

        label, body = _one_text(text, file)
        toks = _load(tokenizer, download, trust_remote_code)
        rows = [r.as_dict() for r in normalization_audit(body, toks)]
        cols = [("tokenizer", "tokenizer"), ("tokens_input", "as given"), ("tokens_nfc", "NFC"),
                ("tokens_nfd", "NFD"), ("tokens_nfkc", "NFKC"), ("nfd_over_nfc", "NFD/NFC"),
                ("nfkc_over_nfc", "NFKC/NFC")]
        form = rows[0]["input_form"] if rows else "?"
        _emit(fmt.value, SCHEMA_NORMALIZATION, rows, cols, output, force, toks=toks,
              title=f"Tokens by Unicode normal form (input is {form})" if fmt is Fmt.table
              else None, input=label)

    @app.command()
    def breakdown(
        text: TextArg = None,
        file: FileOpt = None,
        tokenizer: TokOpt = None,
        fmt: FmtOpt = Fmt.table,
        output: OutOpt = None,
        force: ForceOpt = False,
        download: DownloadOpt = False,
        trust_remote_code: TrustOpt = False,
    ) -> None:
        """Script breakdown: tokens spent on Hangul, Latin letters, digits, punctuation,
        whitespace, other characters and code (backtick spans and ``` blocks)."""
        from tokcost.diagnostics.breakdown import CLASSES, script_breakdown

        label, body = _one_text(text, file)
        toks = _load(tokenizer, download, trust_remote_code)
        results = [script_breakdown(t, body) for t in toks]
        rows = [b.as_dict() for b in results]
        cols = [("tokenizer", "tokenizer"), ("total", "total"), *((c, c) for c in CLASSES)]
        chars = results[0].chars if results else {}
        char_row = "characters: " + ", ".join(f"{c} {n:,}" for c, n in chars.items())
        table = fmt is Fmt.table
        _emit(fmt.value, SCHEMA_BREAKDOWN, rows, cols, output, force, toks=toks,
              title="Tokens per character class" if table else None,
              footer=[char_row] if table else None, input=label, chars=chars)

    @app.command()
    def explain(
        text: TextArg = None,
        file: Annotated[
            Path | None,
            typer.Option("--file", help="A UTF-8 text file; each non-empty line is tokenized on "
                         "its own ('-' = stdin)."),
        ] = None,
        corpus: Annotated[
            str | None,
            typer.Option("--corpus", "-c", help="Explain a corpus's Korean units (each tokenized "
                         "on its own) instead of TEXT/--file. " + _CORPUS_HELP),
        ] = None,
        domain: DiagDomainOpt = None,
        tokenizer: Annotated[
            list[str] | None,
            typer.Option("--tokenizer", "-t", help="Tokenizer to explain (catalog id or spec). "
                         "Repeatable; at least one."),
        ] = None,
        against: Annotated[
            str | None,
            typer.Option("--against", help="Compare each -t with this tokenizer, e.g. "
                         "o200k_base: where it saves tokens, eojeol by eojeol."),
        ] = None,
        top: Annotated[int, typer.Option("--top", "-n", help="Rows per list.")] = 15,
        by: Annotated[
            RankBy,
            typer.Option("--by", help="Rank costly eojeol by tokens per occurrence or by "
                         "tokens over all occurrences."),
        ] = RankBy.occurrence,
        fmt: Annotated[Fmt, typer.Option(
            "--format", "-f", help="table, markdown (every list), json (the rows with their top "
            "eojeol, and the comparisons) or csv (one row per tokenizer).")] = Fmt.table,
        output: OutOpt = None,
        force: ForceOpt = False,
        download: DownloadOpt = False,
        trust_remote_code: TrustOpt = False,
    ) -> None:
        """The eojeol (whitespace words) that cost the most tokens per tokenizer, and where a
        tokenizer saves against another (--against)."""
        from tokcost.diagnostics.explain import explain as run_explain
        from tokcost.diagnostics.sources import nonempty_lines
        from tokcost.errors import TokcostError
        from tokcost.schema.base import checked
        from tokcost.schema.diagnostics import ExplainComparison
        from tokcost.tokenizers import load_tokenizer

        if not tokenizer:
            raise TokcostError("explain needs a tokenizer", hint="add -t ID, e.g. -t ax-4.0")
        if corpus is not None or domain is not None:
            if text is not None or file is not None:
                raise TokcostError("give either TEXT, --file or --corpus, not several")
            from tokcost.diagnostics.sources import read_corpus

            src = read_corpus(corpus or "samples", domain=domain)
            label, texts = src.label, list(src.ko)
        else:
            label, body = _one_text(text, file)
            texts = nonempty_lines(body) if file is not None else [body]
        toks = _load(tokenizer, download, trust_remote_code)
        base = (load_tokenizer(against, download=download, trust_remote_code=trust_remote_code)
                if against else None)
        doc = run_explain(texts, toks, base, top=top, by=by.value)
        if fmt in (Fmt.json, Fmt.csv):  # the rows (each with its top eojeol), comparisons in JSON
            _emit(fmt.value, SCHEMA_EXPLAIN, doc["tokenizers"], EXPLAIN_COLS, output, force,
                  toks=toks, csv_all=fmt is Fmt.json, input=label,
                  comparisons=checked(ExplainComparison, doc["comparisons"]))
            return
        _show_outputs(explain_outputs(doc, toks, by.value), fmt.value, output, force)

    @app.command()
    def fertility(
        tokenizer: TokOpt = None,
        corpus: Annotated[
            str, typer.Option("--corpus", "-c", help=_CORPUS_HELP + " Default: samples.")
        ] = "samples",
        domain: DiagDomainOpt = None,
        no_morphemes: Annotated[
            bool,
            typer.Option("--no-morphemes", help="Word figures only: do not need the morph extra."),
        ] = False,
        fmt: FmtOpt = Fmt.table,
        output: OutOpt = None,
        force: ForceOpt = False,
        download: DownloadOpt = False,
        trust_remote_code: TrustOpt = False,
    ) -> None:
        """Tokens per morpheme (Korean, Kiwi analyser: pip install "tokcost[morph]"), tokens per
        word and the proportion of continued words (Rust et al. 2021) for Korean eojeol and
        English words."""
        from tokcost.diagnostics import morphemes as morph
        from tokcost.diagnostics.fertility import fertility_rows
        from tokcost.diagnostics.sources import read_corpus
        from tokcost.errors import TokcostError

        if not no_morphemes:
            try:
                morph.analyser_name()
            except morph.MorphAnalyserMissing as err:
                raise TokcostError(err.message, hint=f"{morph.INSTALL_HINT}, or pass "
                                   "--no-morphemes for the word figures only") from None
        src = read_corpus(corpus, domain=domain)
        toks = _load(tokenizer, download, trust_remote_code)
        rows = [r.as_dict() for r in fertility_rows(toks, src.ko, src.en, corpus=src.label,
                                                    domain=src.domain,
                                                    morphemes=not no_morphemes)]
        cols = [("tokenizer", "tokenizer"), ("ko_fertility", "tok/eojeol"),
                ("ko_continued_share", "PCW ko"), ("tokens_per_morpheme", "tok/morpheme")]
        if no_morphemes:
            cols.pop()
        if not src.monolingual:
            cols += [("en_fertility", "tok/word en"), ("en_continued_share", "PCW en")]
        first = rows[0] if rows else {}
        meta = {"corpus": src.label, "domain": src.domain, "units": len(src),
                "ko_words": first.get("ko_words"), "en_words": first.get("en_words"),
                "morphemes": first.get("morphemes"), "morph_analyser": first.get("morph_analyser")}
        where = src.label + (f" (domain {src.domain})" if src.domain else "")
        title = f"Fertility on {where}"
        facts = ("PCW: proportion of continued words, split into ≥ 2 tokens on their own. "
                 f"{len(src):,} units, {first.get('ko_words') or 0:,} Korean eojeol"
                 + (f", {first['en_words']:,} English words" if first.get("en_words") else "")
                 + (f", {first['morphemes']:,} morphemes by {first['morph_analyser']}"
                    if first.get("morphemes") else ""))
        _emit(fmt.value, SCHEMA_FERTILITY, rows, cols, output, force, title=title, toks=toks,
              footer=[facts] if fmt is Fmt.table else None, csv_all=True, **meta)


def _plain_print(items: list[Any], output: Path | None, force: bool) -> None:
    """Strings as they are (no rich markup parsing, no terminal controls), tables through rich
    without colour, each at its natural width (cells keep whole words, as ``output.render``)."""
    import io

    from rich.console import Console

    from tokcost.sanitize import terminal

    buf = io.StringIO()
    probe = Console(width=100_000, soft_wrap=True, file=io.StringIO())
    for it in items:
        if isinstance(it, str):
            buf.write(terminal(it) + "\n")
        else:
            width = max(40, probe.measure(it).maximum)
            Console(file=buf, width=width, color_system=None, force_terminal=False).print(it)
    write_output(buf.getvalue(), output, force)
