"""`tokcost report`: the folder it writes, its numbers against results.json, and the HTML in a
real headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tokcost.report.document import money, ratio

MODELS = ["gpt-4o", "gpt-4", "skt/A.X-4.0", "LGAI-EXAONE/EXAONE-4.0-32B", "claude-opus-4-7"]
TOKENIZERS = ["o200k_base", "cl100k_base", "exaone-4.0", "ax-4.0"]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tokcost", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=600)


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import MIRROR, need_shared

    mirror = need_shared(MIRROR)
    out = tmp_path_factory.mktemp("report") / "rep"
    args = ["report", "--out", str(out), "--as-of", "2026-11-01", "--timings"]
    for t in TOKENIZERS:
        args += ["-t", t]
    for m in MODELS:
        args += ["-m", m]
    cache = tmp_path_factory.mktemp("report-cache")
    proc = _run(*args, env={"TOKCOST_TOKENIZERS_DIR": str(mirror), "TOKCOST_CACHE_DIR": str(cache),
                            "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 0, proc.stderr
    assert "total" in proc.stderr  # --timings prints the stage breakdown
    return out


@pytest.fixture(scope="module")
def doc(report_dir: Path) -> dict:
    return json.loads((report_dir / "results.json").read_text("utf-8"))


class _Tables(HTMLParser):
    """Cells of every <table id=...> by table id, and the set of tags seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.tags: set[str] = set()
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id") or "?"
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _parse(html_text: str) -> _Tables:
    p = _Tables()
    p.feed(html_text)
    return p


def test_report_writes_every_file(report_dir: Path, doc: dict) -> None:
    for name in ("report.html", "report.md", "results.json", "results.csv", "cost.csv"):
        assert (report_dir / name).stat().st_size > 0, name
    assert doc["schema"] == "tokcost/report/1"
    assert doc["settings"]["tokenizers"] == TOKENIZERS
    # by-domain rows for every tokenizer: 10 shipped domains + "all"
    assert {r["domain"] for r in doc["measure"]} >= {"all", "news", "law", "software", "casual-chat"}
    header = (report_dir / "results.csv").read_text("utf-8").splitlines()[0]
    assert header.startswith("tokenizer,")
    assert len((report_dir / "results.csv").read_text("utf-8").splitlines()) == len(doc["measure"]) + 1


def test_html_is_self_contained(report_dir: Path) -> None:
    text = (report_dir / "report.html").read_text("utf-8")
    p = _parse(text)
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    assert not re.search(r"""(src|href)\s*=\s*["']https?:""", text)
    assert text.count("<svg") >= 4  # ratio, cost, domain heatmap, distribution


def test_every_number_in_the_html_tables_is_in_results_json(report_dir: Path, doc: dict) -> None:
    p = _parse((report_dir / "report.html").read_text("utf-8"))
    main = {r["tokenizer"]: r for r in doc["measure"] if r["domain"] == "all"}
    rows = p.tables["measure-table"][1:]
    assert len(rows) == len(main)
    for cells in rows:
        r = main[cells[0].split(" (proxy")[0]]
        assert cells[2] == ratio(r["ratio"])
        assert cells[3] == f"{ratio(r['ratio_ci_low'])}–{ratio(r['ratio_ci_high'])}"
        assert cells[4] == f"{r['ko_tokens']:,}" and cells[5] == f"{r['en_tokens']:,}"
    usd = {r["model"]: r for r in doc["cost"] if r["currency"] == "USD"}
    krw = {r["model"]: r for r in doc["cost"] if r["currency"] == "KRW"}
    rows = p.tables["cost-table"][1:]
    assert rows, "no costed model"
    for cells in rows:
        m = cells[0]
        assert cells[5] == money(usd[m]["cost_per_batch"], "USD")
        assert cells[6] == money(krw[m]["cost_per_batch"], "KRW")
        assert cells[7] == money(usd[m]["en_cost_per_batch"], "USD")


def test_labels_reach_report_md_csv_xlsx_and_json(report_dir: Path, doc: dict) -> None:
    """#19 item 2: how each row was counted and priced is in every file, not only the HTML."""
    import csv

    from tokcost.report.document import budget_view, cost_view, labels_text
    from tokcost.report.i18n import Words

    keys = ("tokenizer_match", "price_confidence", "price_variant", "retired", "assumption")
    for name in ("cost", "budget"):
        assert doc[name] and all(all(k in r for k in keys) for r in doc[name]), name
        with (report_dir / f"{name}.csv").open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert set(keys) <= set(header), (name, header)
    md = (report_dir / "report.md").read_text("utf-8")
    w = Words("en")
    rows = [*doc["headline"], *[r for r in cost_view(doc) if r["cost"] is not None],
            *budget_view(doc)]
    for r in rows:
        lines = [ln for ln in md.splitlines() if ln.startswith(f"| {r['model']} |")]
        assert any(f"| {labels_text(r, w)} |" in ln for ln in lines), (r["model"], lines)
    assert "| labels |" in md and "self-hosted (assumed)" in md  # the A.X / EXAONE rows
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(report_dir / "results.xlsx")
    for sheet in ("cost", "budget"):
        header = [c.value for c in wb[sheet][1]]
        assert set(keys) <= set(header), (sheet, header)


def test_cost_chart_names_every_model_with_its_labels(report_dir: Path, doc: dict) -> None:
    """#19 item 2/6: every dot of the cost chart is named with the labels of its row, in full (an
    axis label cut to "deepseek-v4-flash [presumed, medium conf, o…" loses them); one currency."""
    from tokcost.report.charts import tags

    text = (report_dir / "report.html").read_text("utf-8")
    svg = text[text.index('data-chart="cost"'):]
    svg = svg[:svg.index("</figure>")]
    import html as _html

    names = {_html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)}
    rows = [r for r in doc["cost"] if r["currency"] == "USD" and r.get("cost_per_batch")]
    assert rows
    for r in rows:
        assert r["model"] + tags(r) in names, (r["model"], tags(r))
    assert not [n for n in names if n.endswith("…")]
    assert "KRW" not in "".join(names)  # one currency at a time (USD on an English page)


def test_cost_chart_keeps_long_labels_whole() -> None:
    """A shortlisted model with many labels keeps them all on the axis (it was cut at 260 px)."""
    from tokcost.report import charts

    if not charts.available():
        pytest.skip("altair / vl-convert not installed")
    base = {"currency": "USD", "en_cost_per_batch": 0.4, "korean_trained": False}
    rows = [{**base, "model": "deepseek-v4-flash", "cost_per_batch": 0.51,
             "tokenizer_match": "presumed", "price_confidence": "medium",
             "price_variant": "off-peak", "retired": True},
            {**base, "model": "meta-llama/Llama-3.3-70B-Instruct-Turbo", "cost_per_batch": 1.09,
             "tokenizer_match": "exact", "price_confidence": "low"},
            {**base, "model": "gpt-4o", "cost_per_batch": 7.4, "tokenizer_match": "exact",
             "price_confidence": "high"}]
    svg = charts.to_svg(charts.cost_chart(rows, 1000, "USD", ["deepseek-v4-flash",
                                                                "meta-llama/Llama-3.3-70B-Instruct-Turbo"]))
    import html as _html

    names = {_html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)}
    assert "deepseek-v4-flash [presumed, medium-conf price, off-peak, retired]" in names
    assert "meta-llama/Llama-3.3-70B-Instruct-Turbo [low-conf price]" in names
    assert "gpt-4o" in names and not [n for n in names if n.endswith("…")]


def test_diagnostics_table_equals_results_json(report_dir: Path, doc: dict) -> None:
    p = _parse((report_dir / "report.html").read_text("utf-8"))
    diag = {r["tokenizer"]: r for r in doc["diagnostics"]}
    assert set(diag) == set(TOKENIZERS)
    rows = p.tables["diagnostics-table"][1:]
    assert len(rows) == len(diag)
    for cells in rows:
        r = diag[cells[0]]
        assert cells[1] == f"{r['hangul_single_token_share'] * 100:.1f} %"
        assert cells[3] == f"{r['mean_tokens_per_syllable']:,.3f}"
        assert cells[4] == f"{r['ko_continued_share'] * 100:.1f} %"
    # diagnostics use the measured totals (one count of the corpus per tokenizer)
    main = {r["tokenizer"]: r for r in doc["measure"] if r["domain"] == "all"}
    for tid, r in diag.items():
        assert (r["ko_tokens"], r["en_tokens"]) == (main[tid]["ko_tokens"], main[tid]["en_tokens"])
    # the Korean-trained tokenizers need fewer tokens per eojeol than o200k_base
    assert diag["ax-4.0"]["ko_fertility"] < diag["o200k_base"]["ko_fertility"]


def test_report_numbers_recomputed(doc: dict, mirror: Path, tmp_path: Path, monkeypatch) -> None:
    """Counts from the tokenizer library itself (tiktoken's own loader); costs from the table."""
    import hashlib

    import tiktoken
    import tiktoken.registry

    from tokcost.corpora import open_corpus
    from tokcost.pricing import load_tables
    from tokcost.tokenizers.catalog import load_catalog

    cache = tmp_path / "tt"
    cache.mkdir()
    name = hashlib.sha1(load_catalog()["o200k_base"].url.encode()).hexdigest()
    shutil.copy(mirror / "tiktoken" / "o200k_base.tiktoken", cache / name)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    tiktoken.registry.ENCODINGS.pop("o200k_base", None)
    enc = tiktoken.get_encoding("o200k_base")
    pairs = list(open_corpus("samples"))
    ko = sum(len(enc.encode_ordinary(p.ko)) for p in pairs)
    en = sum(len(enc.encode_ordinary(p.en)) for p in pairs)
    row = next(r for r in doc["measure"] if r["tokenizer"] == "o200k_base" and r["domain"] == "all")
    assert (row["ko_tokens"], row["en_tokens"]) == (ko, en)
    assert row["ratio"] == pytest.approx(ko / en)
    # cost of 1,000 requests = 1,000 × the price table's per-request price of the row's tokens
    gpt = next(r for r in doc["cost"] if r["model"] == "gpt-4o" and r["currency"] == "USD")
    price = load_tables().model("gpt-4o").price_for(__import__("datetime").date(2026, 11, 1))
    per_req = (gpt["input_tokens"] * price.input + gpt["output_tokens"] * price.output) / 1e6
    assert gpt["cost_per_batch"] == pytest.approx(1000 * per_req)
    krw = next(r for r in doc["cost"] if r["model"] == "gpt-4o" and r["currency"] == "KRW")
    assert krw["cost_per_batch"] == pytest.approx(gpt["cost_per_batch"] * gpt["fx_krw_per_usd"])


def test_summary_states_what_the_rows_say(doc: dict, report_dir: Path) -> None:
    s = doc["summary"]
    usd = [r for r in doc["cost"] if r["currency"] == "USD" and r["cost"] is not None]
    assert s["cheapest_model"] == min(usd, key=lambda r: r["cost"])["model"]
    main = [r for r in doc["measure"] if r["domain"] == "all"]
    eng = [r["ratio"] for r in main if not r["korean_trained"]]
    assert s["english_centric_ratio_max"] == max(eng)
    assert s["claim_347_holds"] is (max(r["ratio_ci_high"] for r in main) >= 4.47)
    assert "claude-opus-4-7" in s["models_not_costed"]
    html_text = (report_dir / "report.html").read_text("utf-8")
    assert f"Cheapest pay-per-token API for Korean: {s['cheapest_api_model']}" in html_text
    assert "347 %" in html_text
    md = (report_dir / "report.md").read_text("utf-8")
    assert f"Cheapest pay-per-token API for Korean: {s['cheapest_api_model']}" in md


def test_token_boundaries_cover_the_sample_text(doc: dict) -> None:
    samples = {s["id"]: s for s in doc["samples"]}
    assert samples
    for b in doc["boundaries"]:
        text = "".join(g["text"] for g in b["groups"])
        # the tokenizer's view of the text (a SentencePiece dummy prefix may add a space)
        assert text.strip() == samples[b["sample"]]["ko"].strip()
        assert sum(g["tokens"] for g in b["groups"]) == b["tokens"]


def test_report_overwrites_only_its_own_files(tmp_path: Path, mirror: Path) -> None:
    """A second run replaces the tool's own report (listed in its manifest); a file it did not
    write, or one edited since, is refused without --force."""
    out = tmp_path / "rep"
    args = ("report", "--out", str(out), "-t", "o200k_base", "-m", "gpt-4o", "--as-of", "2026-11-01")
    env = {"TOKCOST_TOKENIZERS_DIR": str(mirror)}
    assert _run(*args, env=env).returncode == 0
    manifest = json.loads((out / ".tokcost-report.json").read_text("utf-8"))
    assert {"report.html", "results.json", "results.xlsx"} <= set(manifest["files"])
    second = _run(*args, env=env)
    assert second.returncode == 0, second.stderr
    (out / "report.md").write_text("my notes\n", "utf-8")
    proc = _run(*args, env=env)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--force" in proc.stderr and "report.md" in proc.stderr
    assert (out / "report.md").read_text("utf-8") == "my notes\n"
    foreign = tmp_path / "other"
    foreign.mkdir()
    (foreign / "report.html").write_text("<p>someone else's</p>", "utf-8")
    proc = _run("report", "--out", str(foreign), "-t", "o200k_base", "-m", "gpt-4o", env=env)
    assert proc.returncode == 2 and "not written by tokcost report" in proc.stderr
    assert _run(*args, "--force", env=env).returncode == 0
    assert (out / "report.md").read_text("utf-8") != "my notes\n"


def test_report_workers_option(tmp_path: Path, mirror: Path) -> None:
    """--workers takes auto (the default) or N, like measure; anything else is one line."""
    proc = _run("report", "--out", str(tmp_path / "r"), "--workers", "0",
                env={"TOKCOST_TOKENIZERS_DIR": str(mirror)})
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "--workers must be auto or a positive whole number, not '0'" in proc.stderr
    assert not (tmp_path / "r").exists()
    help_text = _run("report", "--help").stdout
    assert "auto" in help_text and "[default: auto]" in help_text


def test_report_without_chart_libraries(tmp_path: Path, mirror: Path, monkeypatch) -> None:
    from tokcost.report import ReportOptions, write_report
    from tokcost.report import charts as charts_mod

    monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", str(mirror))
    monkeypatch.setattr(charts_mod, "available", lambda: False)
    files = write_report(tmp_path / "r", ReportOptions(tokenizers=["o200k_base"], models=["gpt-4o"],
                                                       diagnostics=False))
    text = files["report.html"].read_text("utf-8")
    assert "<svg" not in text and 'pip install "tokcost[report]"' in text


# ------------------------------------------------------------------------- headless Chromium
def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = _chromium()
    if exe is None:
        if os.environ.get("TOKCOST_REQUIRE_CHROMIUM"):
            pytest.fail("TOKCOST_REQUIRE_CHROMIUM is set but no chromium is installed")
        pytest.skip("headless Chromium not installed (apt-get install chromium)")
    return exe


_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-default-apps", "--disable-sync",
          "--no-first-run", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]


def _chrome(exe: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([exe, *_FLAGS, f"--user-data-dir={tmp / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120, cwd=tmp)


def test_html_renders_in_chromium(report_dir: Path, chromium: str, tmp_path: Path) -> None:
    url = (report_dir / "report.html").as_uri()
    proc = _chrome(chromium, tmp_path, "--dump-dom", url)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    for chart in ("ratio", "cost", "domains", "distribution"):
        assert f'data-chart="{chart}"' in dom
    assert dom.count("<svg") >= 4 and "Where the tokenizers cut" in dom
    console = [ln for ln in proc.stderr.splitlines() if ":CONSOLE" in ln]
    assert console == [], console


def test_screenshot_is_not_blank(report_dir: Path, chromium: str, tmp_path: Path) -> None:
    from PIL import Image

    shot = tmp_path / "shot.png"
    proc = _chrome(chromium, tmp_path, "--window-size=1280,5000", f"--screenshot={shot}",
                   (report_dir / "report.html").as_uri())
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    im = Image.open(shot).convert("RGB")
    assert im.size == (1280, 5000)
    # The ratio chart's bars are drawn: both the Korean-trained red and the global blue appear.
    colors = im.getcolors(maxcolors=1 << 22) or []

    def near(rgb: tuple[int, int, int], opacity: float = 0.85) -> int:
        """Pixels of ``rgb`` drawn at ``opacity`` over white (the bars' fill)."""
        want = [round(opacity * a + (1 - opacity) * 255) for a in rgb]
        return sum(n for n, c in colors if sum(abs(a - b) for a, b in zip(c, want, strict=True)) < 12)

    assert near((0xC0, 0x39, 0x2B)) > 500  # Korean-trained bars
    assert near((0x2E, 0x6D, 0xA4)) > 500  # English-centric bars
    white = next((n for n, c in colors if c == (255, 255, 255)), 0)
    assert white < 0.97 * 1280 * 5000


# The probe: a copy of the page with one script that writes the layout's widths into the DOM, read
# back with --dump-dom (the report itself has no scripts).
_PROBE = """<script>
var d = document.documentElement, wide = [];
document.querySelectorAll("body *").forEach(function (el) {
  var r = el.getBoundingClientRect();
  if (r.right > window.innerWidth + 1 && !el.closest(".scroll, figure")) wide.push(el.tagName);
});
document.body.setAttribute("data-probe", JSON.stringify({scroll: d.scrollWidth,
  inner: window.innerWidth, wide: wide.slice(0, 5),
  headline: document.querySelectorAll("#headline-table tbody tr").length,
  lang: d.lang}));
</script></body>"""


def _probe(chromium: str, page: Path, tmp: Path, width: int) -> dict:
    probe = tmp / f"probe-{page.parent.name}-{width}.html"
    probe.write_text(page.read_text("utf-8").replace("</body>", _PROBE), "utf-8")
    proc = _chrome(chromium, tmp, f"--window-size={width},900", "--dump-dom", probe.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    m = re.search(r'data-probe="([^"]*)"', proc.stdout)
    assert m, proc.stdout[-500:]
    import html as _html

    return json.loads(_html.unescape(m.group(1)))


@pytest.fixture(scope="module")
def ko_report(report_dir: Path, doc: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same results rendered in Korean."""
    from tokcost.report import render_files

    out = tmp_path_factory.mktemp("report-ko")
    for name, content in render_files({**doc, "lang": "ko"}).items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (out / name).write_bytes(data)
    return out


def test_korean_report_words(ko_report: Path, doc: dict) -> None:
    text = (ko_report / "report.html").read_text("utf-8")
    assert '<html lang="ko">' in text
    assert "워크로드별 월 예산" in text and "한국어 할증" in text and "요약" in text
    assert "Monthly budget" not in text
    svg_titles = re.findall(r"<text[^>]*>([^<]*)</text>", text)
    assert any("토크나이저별 한국어 할증" in t for t in svg_titles)  # chart titles in Korean
    assert any("로그 눈금" in t for t in svg_titles)  # axis title in Korean
    md = (ko_report / "report.md").read_text("utf-8")
    assert md.startswith("# 한국어 텍스트의 비용")
    # 만/억: a monthly won figure of the headline, written the Korean way
    from tokcost.report.i18n import krw_ko

    top = doc["headline"][0]
    assert krw_ko(top["monthly_krw"]) in text
    assert krw_ko(123_456_789) == "1.23억 원" and krw_ko(12_918) == "1.29만 원"
    assert krw_ko(4_560_000) == "456만 원" and krw_ko(950) == "950원"


def _pdf_pages(raw: bytes) -> list[tuple[str, dict[str, dict[int, str]]]]:
    """Each page of a Chromium (Skia) PDF, in order: its content stream and its fonts' glyph ->
    text maps (Skia writes every font with a ToUnicode map)."""
    import zlib

    objs = {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", raw, re.S)}

    def stream(n: int) -> str:
        body = objs[n]
        m = re.search(rb"stream\r?\n(.*)endstream", body, re.S)
        assert m, n
        data = zlib.decompressobj().decompress(m[1]) if b"/FlateDecode" in body else m[1]
        return data.decode("latin-1")

    def cmap(n: int) -> dict[int, str]:
        text = stream(n)
        out: dict[int, str] = {}
        for blk in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
            for a, b in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", blk):
                out[int(a, 16)] = bytes.fromhex(b).decode("utf-16-be", "replace")
        for blk in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
            for a, b, c in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", blk):
                for i, g in enumerate(range(int(a, 16), int(b, 16) + 1)):
                    out[g] = chr(int(c, 16) + i)
        return out

    def leaves(n: int) -> list[int]:
        if b"/Type /Pages" not in objs[n]:
            return [n]
        kids = re.search(rb"/Kids\s*\[(.*?)\]", objs[n], re.S)
        assert kids
        return [p for k in re.findall(rb"(\d+) 0 R", kids[1]) for p in leaves(int(k))]

    root = re.search(rb"/Root (\d+) 0 R", raw)
    assert root
    top = re.search(rb"/Pages (\d+) 0 R", objs[int(root[1])])
    assert top
    maps: dict[int, dict[int, str]] = {}
    pages = []
    for page in leaves(int(top[1])):
        fonts: dict[str, dict[int, str]] = {}
        for name, n in re.findall(rb"/(F\d+) (\d+) 0 R", objs[page]):
            uni = re.search(rb"/ToUnicode (\d+) 0 R", objs[int(n)])
            fonts[name.decode()] = maps.setdefault(int(n), cmap(int(uni[1])) if uni else {})
        contents = re.search(rb"/Contents (\d+) 0 R", objs[page])
        assert contents
        pages.append((stream(int(contents[1])), fonts))
    return pages


def _pdf_pages_text(raw: bytes) -> list[str]:
    """The text of each page, in paint order, without whitespace (glyphs drawn as ``<hex> Tj``):
    enough to see what a page ends with."""
    out = []
    for content, fonts in _pdf_pages(raw):
        font: dict[int, str] = {}
        chars = []
        for m in re.finditer(r"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]*)> Tj", content):
            if m[1]:
                font = fonts.get(m[1], {})
            else:
                chars += [font.get(int(m[2][i:i + 4], 16), "") for i in range(0, len(m[2]), 4)]
        out.append(re.sub(r"\s+", "", "".join(chars)))
    return out


def _pdf_page_scales(raw: bytes) -> list[float]:
    """The scale each page is drawn at, in PDF points per CSS pixel: 0.75 (96 dpi) unless Chromium
    shrank the page to fit something wider than the paper (its print shrink-to-fit)."""
    scales = []
    for content, _ in _pdf_pages(raw):
        cms = re.findall(r"(-?[\d.]+) 0 0 (-?[\d.]+) -?[\d.]+ -?[\d.]+ cm", content)
        assert len(cms) >= 2, content[:200]
        # Skia's device flip (px at 300 dpi -> pt), then the page's own CSS px -> device scale
        scales.append(abs(float(cms[0][0])) * float(cms[1][0]))
    return scales


def _no_orphaned_headings(pdf: bytes, page_html: str) -> None:
    """No page but the last ends with a section heading, or with a heading and its note: the
    heading goes to the next page with what it introduces."""
    import html as _html

    pages = _pdf_pages_text(pdf)
    assert len(pages) > 1 and all(pages), [len(p) for p in pages]

    def flat(fragment: str) -> str:
        return re.sub(r"\s+", "", _html.unescape(re.sub(r"<[^>]+>", "", fragment)))

    heads = re.findall(r'<h2 id="[^"]*">(.*?)</h2>\s*(?:<p class="note"[^>]*>(.*?)</p>)?',
                       page_html, re.S)
    assert len(heads) >= 8
    for n, text in enumerate(pages[:-1], start=1):
        for head, note in heads:
            h = flat(head)
            assert h, head
            ends = [h, h + flat(note)] if note else [h]
            assert not any(text.endswith(e) for e in ends), f"page {n} ends with {head!r}"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_in_chromium_at_desktop_phone_and_print(lang: str, report_dir: Path, ko_report: Path,
                                                     doc: dict, chromium: str, tmp_path: Path) -> None:
    """The done-when of #19: screenshots at 1400 and 390 px and an A4 PDF of both languages; the
    headline and the labels are there and nothing pushes the page sideways."""
    from PIL import Image

    folder = report_dir if lang == "en" else ko_report
    page = folder / "report.html"
    text = page.read_text("utf-8")
    # headline first: the budget table comes before the summary and every other section
    assert text.index('id="headline-table"') < text.index('id="summary"') < text.index('id="cost-table"')
    assert len(doc["headline"]) >= 1
    # labels: the rows' fields, shown as badges in the tables
    for row in doc["headline"]:
        assert row["tokenizer_match"] in ("exact", "presumed", "proxy", "vendor-api", "none")
        if row["monthly_usd"] is not None:
            assert row["price_confidence"] in ("high", "medium", "low", "assumption")
    assert 'class="badge' in text and 'data-col="labels"' in text
    for width in (1400, 390):
        shot = tmp_path / f"{lang}-{width}.png"
        proc = _chrome(chromium, tmp_path, f"--window-size={width},2400", f"--screenshot={shot}",
                       page.as_uri())
        assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
        assert Image.open(shot).size == (width, 2400)
        probe = _probe(chromium, page, tmp_path, width)
        assert probe["lang"] == lang
        assert probe["headline"] == len(doc["headline"])
        assert probe["scroll"] <= probe["inner"], probe  # no horizontal page overflow
        assert probe["wide"] == [], probe
    pdf = tmp_path / f"{lang}.pdf"
    proc = _chrome(chromium, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert proc.returncode == 0 and pdf.exists(), proc.stderr[-2000:]
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF")
    # A4 pages (595 × 842 pt), from the page's @page rule
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", raw)
    assert sizes and all(abs(float(w) - 595.9) < 2 and abs(float(h) - 842.9) < 2 for w, h in sizes), sizes[:3]
    # print: the not-costed list is shown open, headings kept with what follows
    assert 'id="not-costed-print"' in text and "@media print" in text and "size:A4" in text
    _no_orphaned_headings(raw, text)
    # nothing wider than the A4 page: a wide table made Chromium print every page at 2/3 size
    scales = _pdf_page_scales(raw)
    assert scales and all(abs(x - 0.75) < 0.005 for x in scales), scales


def test_report_tokenizes_each_corpus_text_once_per_tokenizer(mirror: Path, monkeypatch) -> None:
    """#7: no corpus is tokenized twice by the same tokenizer. Every encode call of every backend
    is recorded (outermost call only); each sentence of the corpus is encoded once per tokenizer,
    except the few shown in the token-boundary view (encoded once more, piece by piece)."""
    import threading
    from collections import Counter

    from tokcost.corpora import open_corpus
    from tokcost.report.collect import ReportOptions, collect_results
    from tokcost.tokenizers import base, hf_backend, tiktoken_backend

    seen: dict[str, Counter] = {}
    depth = threading.local()

    def spy(cls: type, name: str) -> None:
        real = cls.__dict__[name]

        def wrapper(self, arg, *a, **k):
            outer = not getattr(depth, "n", 0)
            depth.n = getattr(depth, "n", 0) + 1
            try:
                if outer:
                    texts = [arg] if isinstance(arg, str) else list(arg)
                    seen.setdefault(self.id, Counter()).update(texts)
                return real(self, arg, *a, **k)
            finally:
                depth.n -= 1

        monkeypatch.setattr(cls, name, wrapper)

    for cls in (base.Tokenizer, tiktoken_backend.TiktokenTokenizer, hf_backend.HFTokenizer):
        for name in ("encode", "encode_batch", "encode_flat", "count"):
            if name in cls.__dict__:
                spy(cls, name)
    doc = collect_results(ReportOptions(tokenizers=["o200k_base", "ax-4.0"], use_cache=False,
                                        workers=1))
    corpus = Counter(t for p in open_corpus("samples") for t in (p.ko, p.en))
    shown = {s["ko"] for s in doc["samples"]}
    # the cost stage counts the shipped chat requests (once per tokenizer); their texts are left
    # out of the exact check in case one is also a corpus sentence
    from tokcost.corpora import requests_file
    from tokcost.corpora.requests import load_requests

    requests = {t for r in load_requests(requests_file()) for lang in ("ko", "en")
                for t in r.texts(lang)}
    assert shown and {"o200k_base", "ax-4.0"} <= set(seen)
    checked = 0
    for tid, counts in seen.items():
        measured = tid in ("o200k_base", "ax-4.0")
        for text, n in corpus.items():
            if text in requests:
                continue
            # the report's tokenizers: the measurement, plus the boundary view's few sentences;
            # the other priced models' tokenizers: the budget's characters per token, at most once
            allowed = {n + (text in shown)} if measured else {0, n}
            assert counts[text] in allowed, (tid, text[:40], counts[text], n)
            checked += 1
    assert checked > 2000


def test_stale_prices_and_fx_reach_summary_report_md_and_results_json(tmp_path: Path,
                                                                      mirror: Path) -> None:
    """Issue #14 finding 5: a stale price (FriendliAI EXAONE, dated 2026-01-01) and the stale FX
    rate (2026-01-26) reach the summary (results.json and its sentences in report.md/html) and
    results.json's warnings; --max-price-age sets the threshold."""
    out = tmp_path / "rep"
    proc = _run("report", "--out", str(out), "-t", "exaone-4.0", "-t", "o200k_base",
                "-m", "LGAI-EXAONE/EXAONE-4.0.1-32B", "-m", "gpt-4o", "-m", "gpt-6-sol",
                "--as-of", "2026-12-01",
                "--max-price-age", "200", "--no-diagnostics",
                env={"TOKCOST_TOKENIZERS_DIR": str(mirror)})
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "results.json").read_text("utf-8"))
    s = doc["summary"]
    assert s["price_age_threshold_days"] == 200
    assert s["stale_prices"] == [{"model": "LGAI-EXAONE/EXAONE-4.0.1-32B",
                                  "price_date": "2026-01-01", "price_age_days": 334}]
    assert s["stale_fx"] == {"fx_rate": 1440.6, "fx_date": "2026-01-26", "fx_age_days": 309,
                             "threshold_days": 30}
    assert "LGAI-EXAONE/EXAONE-4.0.1-32B: price dated 2026-01-01 is 334 days old on 2026-12-01 " \
           "(threshold 200)" in doc["warnings"]
    assert any(w.startswith("FX 1,440.60 KRW/USD dated 2026-01-26 is 309 days old")
               for w in doc["warnings"])
    for name in ("report.md", "report.html"):
        text = (out / name).read_text("utf-8")
        assert "Stale prices: 1 model(s) costed here use a price older than 200 days" in text
        assert "1,440.60 KRW/USD dated 2026-01-26, 309 days old on 2026-12-01" in text
    # a presumed tokenizer mapping is marked wherever its cost appears
    for group in ("cost", "budget", "headline"):
        rows = [r for r in doc[group] if r["model"] == "gpt-6-sol"]
        assert rows and all(r["tokenizer_match"] == "presumed" for r in rows), group
    md_rows = [x for x in (out / "report.md").read_text("utf-8").splitlines()
               if x.startswith("| gpt-6-sol")]
    assert len(md_rows) >= 3 and all("presumed tokenizer" in x for x in md_rows)
    html_text = (out / "report.html").read_text("utf-8")
    assert html_text.count('<span class="badge warn">presumed tokenizer</span>') >= 3
    import csv

    for csv_name in ("cost.csv", "budget.csv"):
        with (out / csv_name).open(encoding="utf-8", newline="") as fh:
            got = {r["tokenizer_match"] for r in csv.DictReader(fh) if r["model"] == "gpt-6-sol"}
        assert got == {"presumed"}, csv_name


def test_row_labels_say_what_the_confidence_is_about() -> None:
    """A presumed tokenizer beside a bare "high confidence" read as a confident tokenizer guess;
    the badge names the price."""
    from tokcost.report.document import labels
    from tokcost.report.i18n import Words

    row = {"tokenizer_match": "presumed", "price_confidence": "high", "price_variant": "off-peak",
           "assumption": None, "retired": True}
    assert [t for _, t in labels(row, Words("en"))] == [
        "presumed tokenizer", "high-confidence price", "off-peak", "retired"]
    assert [t for _, t in labels(row, Words("ko"))] == [
        "추정 토크나이저", "가격 신뢰도 높음", "off-peak", "단종"]
    warn = {t for c, t in labels({**row, "price_confidence": "low"}, Words("en")) if c == "warn"}
    assert "low-confidence price" in warn and "presumed tokenizer" in warn


def test_ranges_break_only_after_the_dash() -> None:
    """A range prints as one dash when unknown; otherwise the only breakable space is after the
    dash, so a narrow printed column never splits an amount (``1.06만 원``) or strands the dash."""
    from tokcost.report.document import span
    from tokcost.report.i18n import Words

    w = Words("ko")
    assert span(None, None, lambda v: w.money(v, "KRW")) == "—"
    text = span(10_575.0, 10_748.0, lambda v: w.money(v, "KRW"))
    assert text.replace("\u00a0", " ") == "1.06만 원 – 1.07만 원"
    assert text.split(" ") == ["1.06만\u00a0원\u00a0–", "1.07만\u00a0원"]


def test_report_language_follows_a_korean_locale() -> None:
    """Without --lang the report is Korean when the locale is (LC_ALL, then LC_MESSAGES, then
    LANG, as POSIX ranks them), English otherwise."""
    from tokcost.report.i18n import default_lang

    assert default_lang({"LANG": "ko_KR.UTF-8"}) == "ko"
    assert default_lang({"LC_ALL": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}) == "ko"
    assert default_lang({"LC_ALL": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}) == "en"
    assert default_lang({"LC_ALL": "", "LC_MESSAGES": "ko_KR", "LANG": "C"}) == "ko"
    assert default_lang({"LANG": "C.UTF-8"}) == "en" and default_lang({}) == "en"


def test_korean_cost_chart_writes_won_in_man_and_eok() -> None:
    """On a Korean page the cost chart is in won, with 만/억 on its axis and amounts written as in
    the tables (``1,179원``, ``1.5만 원``), not ``₩100,000``."""
    from tokcost.report import charts
    from tokcost.report.i18n import Words, krw_ko

    if not charts.available():
        pytest.skip("altair / vl-convert not installed")
    base = {"currency": "KRW", "korean_trained": False, "tokenizer_match": "exact",
            "price_confidence": "high"}
    rows = [{**base, "model": "a", "cost_per_batch": 1179.0, "en_cost_per_batch": 900.0},
            {**base, "model": "b", "cost_per_batch": 15_300.0, "en_cost_per_batch": 12_000.0},
            {**base, "model": "c", "cost_per_batch": 230_000_000.0, "en_cost_per_batch": 2e8}]
    svg = charts.to_svg(charts.cost_chart(rows, 1000, "KRW", ["a", "b", "c"], words=Words("ko")))
    import html as _html

    texts = [_html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert {krw_ko(1179.0), krw_ko(15_300.0), krw_ko(230_000_000.0)} <= set(texts), texts
    assert {"1,000원", "1만 원", "10만 원", "1억 원"} <= set(texts), texts
    assert not [t for t in texts if t.startswith("₩")]


def test_report_on_a_one_domain_corpus_has_its_tokenizer_rows_and_budget(tmp_path: Path,
                                                                         mirror: Path) -> None:
    """`report -c samples/news` measures one domain: its rows are the whole of what was asked
    for (corpus samples/news, domain all), so the tokenizer table and the budget have them (they
    were empty and every budget row said "not measured")."""
    out = tmp_path / "rep"
    proc = _run("report", "--out", str(out), "-c", "samples/news", "-t", "o200k_base", "-t",
                "ax-4.0", "-m", "gpt-5", "--no-diagnostics",
                env={"TOKCOST_TOKENIZERS_DIR": str(mirror)})
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "results.json").read_text("utf-8"))
    got = {r["tokenizer"]: r for r in doc["measure"]}
    assert set(got) == {"o200k_base", "ax-4.0"}
    assert all(r["corpus"] == "samples/news" and r["domain"] == "all" and r["pairs"] == 110
               for r in got.values())
    assert got["o200k_base"]["signature"]["corpus"] == "samples"  # what was measured
    budget = [r for r in doc["budget"] if r["model"] == "gpt-5"]
    assert budget and all(r["monthly_cost"] for r in budget)
    assert doc["summary"]["lowest_ratio_tokenizer"] == "ax-4.0"
    html_text = (out / "report.html").read_text("utf-8")
    assert "not measured" not in html_text


def test_results_json_is_a_typed_document_checked_where_collected(mirror: Path, monkeypatch) -> None:
    """A real results.json (a proxy, a Korean-trained tokenizer, every priced model) validates as
    ReportDocument, every section typed; a renamed key in a section fails in collect_results."""
    import pydantic

    from tokcost.report import collect
    from tokcost.schema.report import ReportDocument

    opts = collect.ReportOptions(tokenizers=["o200k_base", "gemini", "ax-4.0"])
    doc = collect.collect_results(opts)
    typed = ReportDocument.model_validate(doc)
    assert typed.settings.diagnostics is not None and typed.settings.budget.corpus == "samples"
    assert {r.tokenizer for r in typed.diagnostics} == {"o200k_base", "gemini", "ax-4.0"}
    assert typed.headline and typed.boundaries[0].groups and typed.summary.models_priced > 0
    assert any(r.proxy_of == "gemma-3" for r in typed.measure)
    assert json.loads(json.dumps(doc)) == doc  # what is validated is what is written

    real = collect._summary

    def renamed(*a, **k):
        out = real(*a, **k)
        out["cheapest_modle"] = out.pop("cheapest_model")
        return out

    monkeypatch.setattr(collect, "_summary", renamed)
    with pytest.raises(pydantic.ValidationError, match="cheapest_modle"):
        collect.collect_results(opts)


def test_report_tables_go_through_the_one_renderer(report_dir: Path, doc: dict) -> None:
    """The HTML and Markdown tables are one Output each: the budget table shows the price date
    (it used to drop it), a label no column shows becomes a column of its own in both, and a
    cell is escaped (a model named <script> stays text)."""
    from tokcost.report.document import _budget_cols, _md_table, _table, budget_view
    from tokcost.report.i18n import Words

    w = Words("en")
    p = _parse((report_dir / "report.html").read_text("utf-8"))
    head = p.tables["budget-table"][0]
    assert "price date" in head and "labels" in head
    dated = {r["model"]: r["price_date"] for r in budget_view(doc) if r["price_date"]}
    for cells in p.tables["budget-table"][1:]:
        if cells[0] in dated:
            assert dated[cells[0]] in cells, cells

    rows = [r for r in budget_view(doc) if r["status"] == "ok"][:2]
    assert rows, "no budget row"
    rows[0] = {**rows[0], "model": "<script>alert(1)</script>", "counted": "2026-12-01"}
    html_text = _table(rows, _budget_cols(doc, w), "t", w)
    md = _md_table(rows, _budget_cols(doc, w))
    assert "<script>" not in html_text and "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    for text in (html_text, md):
        assert "counted" in text and "2026-12-01" in text, text  # the label, appended
    assert '<td data-col="counted" class="n">2026-12-01</td>' in html_text
    assert "| counted |" in md.splitlines()[0]
