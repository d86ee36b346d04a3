"""A chat request's framing (issue #16): the model's own chat template, rendered in jinja2's
sandbox, or OpenAI's documented per-message overhead, added to the input of every chat request;
``chat_framing`` on the row says which, or why not.

Every count is made by a real tokenizer from the mirror; the expected framing of a template is
computed here independently (jinja2 and ``tokenizers`` called directly, not tokcost's renderer)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tokcost.cli.app import app
from tokcost.corpora import requests_file
from tokcost.corpora.requests import Message, load_requests

runner = CliRunner()

# (catalog id, mirror folder, where its template is, its generation prompt)
TEMPLATES = [
    ("exaone-4.0", "LGAI-EXAONE/EXAONE-4.0-1.2B", "chat_template.jinja", "[|assistant|]"),
    ("qwen3", "Qwen/Qwen3-1.7B", "tokenizer_config.json", "<|im_start|>assistant"),
    ("gemma-3", "google/gemma-3-27b-it", "tokenizer_config.json", "<start_of_turn>model"),
    ("ax-4.0", "skt/A.X-4.0-Light", "tokenizer_config.json", "<|im_start|><|assistant|>"),
]


def _reference_render(folder: Path, where: str, messages: list[dict[str, str]]) -> str:
    """The conversation rendered as transformers renders it, written out here on its own."""
    import jinja2.sandbox

    config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    if where == "chat_template.jinja":
        source = (folder / where).read_text(encoding="utf-8")
    else:
        source = config["chat_template"]
    assert isinstance(source, str)

    def raise_exception(msg: str) -> None:
        raise jinja2.exceptions.TemplateError(msg)

    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = lambda x, ensure_ascii=False, indent=None, separators=None, \
        sort_keys=False: json.dumps(x, ensure_ascii=ensure_ascii, indent=indent,
                                    separators=separators, sort_keys=sort_keys)
    env.globals["raise_exception"] = raise_exception
    tokens = {k: v for k in ("bos_token", "eos_token", "pad_token", "unk_token")
              if isinstance(v := config.get(k), str)}
    return env.from_string(source).render(messages=messages, add_generation_prompt=True,
                                          **tokens)


@pytest.mark.parametrize(("tid", "repo", "where", "marker"), TEMPLATES)
def test_template_framing_is_rendered_minus_contents(mirror, tid, repo, where, marker):
    """For every shipped request, Korean and English: framing = tokens of the rendered
    conversation (generation prompt included, special-token strings as special tokens, no
    BOS/EOS added) − the contents' tokens, each content tokenized on its own."""
    from tokenizers import Tokenizer as HF

    from tokcost.tokenizers import load_tokenizer
    from tokcost.tokenizers.chat import ChatFramer, Framing

    folder = mirror / repo
    hf = HF.from_file(str(folder / "tokenizer.json"))
    framer = ChatFramer(load_tokenizer(tid))
    assert framer.source == f"template:{where}"
    specials = {t.content: i for i, t in hf.get_added_tokens_decoder().items() if t.special}
    checked = 0
    for req in load_requests(requests_file()):
        for msgs in (req.ko, req.en):
            assert msgs is not None
            as_dicts = [{"role": m.role, "content": m.content} for m in msgs]
            rendered = _reference_render(folder, where, as_dicts)
            assert marker in rendered[-40:]  # the generation prompt for the reply
            ids = hf.encode(rendered, add_special_tokens=False).ids
            contents = sum(len(hf.encode(m.content, add_special_tokens=False).ids)
                           for m in msgs)
            expected = len(ids) - contents
            assert expected > 2 * len(msgs)  # at least a role marker and an end per message
            assert framer.framing(msgs) == Framing(expected, f"template:{where}")
            checked += 1
    # the template's control strings are encoded as the tokenizer's special tokens, not as text
    eot = {"exaone-4.0": "[|endofturn|]", "gemma-3": "<end_of_turn>"}.get(tid, "<|im_end|>")
    assert specials[eot] in ids
    assert checked == 24


def test_openai_encodings_use_the_documented_per_message_overhead(mirror):
    """OpenAI publishes no template: 3 tokens per message, 1 per name, 3 priming the reply
    (the OpenAI cookbook, "How to count tokens with tiktoken"); legacy encodings: not counted."""
    from tokcost.tokenizers import load_tokenizer
    from tokcost.tokenizers.chat import ChatFramer

    msgs = [Message("system", "너는 비서야."), Message("user", "안녕"),
            Message("assistant", "안녕하세요"), Message("user", "날씨는?")]
    for tid in ("o200k_base", "cl100k_base"):
        f = ChatFramer(load_tokenizer(tid)).framing(msgs)
        assert (f.tokens, f.source) == (3 * 4 + 3, "vendor:openai-per-message")
        named = [*msgs[:1], {"role": "user", "content": "안녕", "name": "minji"}]
        assert ChatFramer(load_tokenizer(tid)).framing(named).tokens == 3 * 2 + 1 + 3
    legacy = ChatFramer(load_tokenizer("p50k_base")).framing(msgs)
    assert legacy.tokens is None and legacy.source.startswith("not counted: p50k_base")


HOSTILE = {
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ raise_exception.__globals__ }}",
    "emitted loop": "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxx"
                    "{% endfor %}{% endfor %}",
    "multiplied": "{{ 'x' * 10**9 }}",
    "doubled with ~": "{% set ns = namespace(s='x') %}{% for i in range(60) %}"
                      "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "doubled with +": "{% set ns = namespace(s='x') %}{% for i in range(60) %}"
                      "{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "padded": "{{ 'a'.center(10**9) }}",
    "padded filter": "{{ 'a'|center(10**9) }}",
    "replaced": "{{ ('ab' * 1000).replace('', 'x' * 1000) }}",
    "joined": "{{ range(10)|map('string')|join('y' * 100000) }}",
    "joined 10 GB": "{{ range(100000)|join('y' * 100000) }}",
    "str.join": "{{ ('y' * 100000).join(range(100000)|map('string')) }}",
    "indented": "{{ ('a\n' * 100000)|indent(100000) }}",
    "summed lists": "{{ ([['x'] * 150000] * 150000)|sum(start=[]) }}",
    "replace filter": "{{ ('ab' * 1000)|replace('', 'x' * 1000) }}",
    "%-width": "{{ '%0999999999d' % 1 }}",
    "format width": "{{ '{:>999999999}'.format(1) }}",
    "format_map width": "{{ '{x:>999999999}'.format_map({'x': 1}) }}",
    "format filter width": "{{ '%999999999d'|format(1) }}",
    "squared number": "{% set ns = namespace(x=10) %}{% for i in range(40) %}"
                      "{% set ns.x = ns.x * ns.x %}{% endfor %}{{ ns.x }}",
    "recursion": "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "raises": "{{ raise_exception('roles must alternate') }}",
    "broken": "{% for m in messages %}{{ m.nothing.here }}{% endfor %}",
    "unparsable": "{% for %}",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_or_broken_template_is_refused_in_one_line(name):
    from tokcost.tokenizers.chat import RenderRefused, render

    with pytest.raises(RenderRefused) as err:
        render(HOSTILE[name], [{"role": "user", "content": "안녕"}], {"bos_token": "<s>"})
    reason = str(err.value)
    assert reason and "\n" not in reason and "Traceback" not in reason
    expected = {"raises": "TemplateError: roles must alternate", "broken": "UndefinedError",
                "unparsable": "TemplateSyntaxError", "recursion": "RecursionError"}
    # refused by a bound before the work is done, never by running out of memory
    assert reason.startswith(expected.get(name, ("SecurityError",
                                                 "the rendered conversation exceeds"))), reason


def test_the_bounded_filters_and_methods_still_render_what_templates_use():
    from tokcost.tokenizers.chat import render

    t = ("{{ [1, 2, 3]|join(', ') }} {{ 'a-b'|replace('-', '+') }} {{ '%s=%d'|format('x', 3) }} "
         "{{ '{}!'.format('hi') }} {{ 'a\nb'|indent(2) }} {{ ([[1], [2]])|sum(start=[]) }} "
         "{{ messages|join(',', attribute='role') }} {{ '%s' % 'q' }} {{ 2 ** 10 }} "
         "{{ 'x' ~ 1 }} {{ messages[0] | tojson }}{{ bos_token }}")
    assert render(t, [{"role": "user", "content": "안녕"}], {"bos_token": "<s>"}) == (
        '1, 2, 3 a+b x=3 hi! a\n  b [1, 2] user q 1024 x1 {"role": "user", "content": "안녕"}<s>')


def test_a_silent_endless_loop_stops_at_the_time_bound(monkeypatch):
    """A loop that neither emits nor calls anything is stopped by the time bound too."""
    import time

    from tokcost.tokenizers import chat

    monkeypatch.setattr(chat, "RENDER_SECONDS", 0.3)
    t0 = time.monotonic()
    with pytest.raises(chat.RenderRefused, match=r"more than 0\.3 s"):
        chat.render("{% set r = range(100000)|list %}{% for i in r %}{% for j in r %}"
                    "{% endfor %}{% endfor %}", [], {})
    assert time.monotonic() - t0 < 3


def _hostile_folder(tmp_path: Path, mirror: Path, template: str) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "tokenizer.json").symlink_to(mirror / "Qwen/Qwen3-1.7B/tokenizer.json")
    (folder / "tokenizer_config.json").write_text(json.dumps({"chat_template": template}))
    return folder / "tokenizer.json"


def test_a_hostile_template_in_a_tokenizer_folder_is_not_counted_with_the_reason(
        mirror, tmp_path):
    """A folder's template that touches Python internals: no framing, the reason on the row,
    and the request still costed on its contents (no traceback anywhere)."""
    from tokcost.tokenizers import load_tokenizer
    from tokcost.tokenizers.chat import ChatFramer

    path = _hostile_folder(tmp_path, mirror, HOSTILE["mro"] + "{{ messages[0].content }}")
    f = ChatFramer(load_tokenizer(f"qwen3={path}")).framing(load_requests(requests_file())[0].ko)
    assert f.tokens is None
    assert f.source.startswith("not counted: the chat template (tokenizer_config.json) was "
                               "refused: SecurityError") and "__class__" in f.source


def test_a_named_template_list_uses_the_default_one(mirror, tmp_path):
    from tokcost.tokenizers import load_tokenizer
    from tokcost.tokenizers.chat import ChatFramer

    path = _hostile_folder(tmp_path, mirror, "")
    (path.parent / "tokenizer_config.json").write_text(json.dumps({"chat_template": [
        {"name": "tool_use", "template": "{{ 'x' * 10**9 }}"},
        {"name": "default", "template": "{% for m in messages %}<|im_start|>{{ m.content }}"
                                        "<|im_end|>{% endfor %}"}]}))
    f = ChatFramer(load_tokenizer(f"qwen3={path}")).framing([Message("user", "안녕하세요")])
    assert (f.tokens, f.source) == (2, "template:tokenizer_config.json")


def _requests_rows(models: list[str]):
    from tokcost.costing import CostOptions, Workload, cost_rows

    reqs = load_requests(requests_file())
    return reqs, cost_rows(Workload.from_requests("requests", reqs), models,
                           CostOptions(output_tokens=0))


def test_gpt4o_request_rows_include_the_framing(mirror):
    """gpt-4o on the shipped requests: each request's input is its contents + 3 per message + 3,
    Korean and English alike; the framing is 3.3 % of the Korean contents (docs/pricing.md)."""
    from tokcost.tokenizers import load_tokenizer

    reqs, [row] = _requests_rows(["gpt-4o"])
    tok = load_tokenizer("o200k_base")
    ko = [sum(tok.count(r.texts("ko"))) for r in reqs]
    en = [sum(tok.count(r.texts("en"))) for r in reqs]
    frames = [3 * len(r.ko) + 3 for r in reqs]
    assert row["chat_framing"] == "vendor:openai-per-message"
    assert row["framing_tokens"] == row["en_framing_tokens"] == sum(frames) / len(reqs) == 21
    assert row["input_tokens"] == round((sum(ko) + sum(frames)) / len(reqs))
    assert row["input_tokens"] > round(sum(ko) / len(reqs))
    assert row["en_input_tokens"] == round((sum(en) + sum(frames)) / len(reqs))
    assert round(sum(frames) / sum(ko) * 100, 1) == 3.3


def test_rows_without_a_template_say_why_and_count_the_contents_only(mirror):
    from tokcost.tokenizers import load_tokenizer

    reqs, rows = _requests_rows(["deepseek-chat", "mistral-large-2512",
                                 "LGAI-EXAONE/EXAONE-4.0-32B"])
    by = {r["model"]: r for r in rows}
    ds = by["deepseek-chat"]
    assert ds["chat_framing"] == ("not counted: no chat template in the tokenizer's folder "
                                  "(DeepSeek-V3)")
    assert ds["framing_tokens"] is None and ds["en_framing_tokens"] is None
    tok = load_tokenizer("deepseek-v3")
    assert ds["input_tokens"] == round(sum(sum(tok.count(r.texts("ko"))) for r in reqs)
                                       / len(reqs))
    assert by["mistral-large-2512"]["chat_framing"].startswith("not counted: a tekken")
    ex = by["LGAI-EXAONE/EXAONE-4.0-32B"]
    assert ex["chat_framing"] == "template:chat_template.jinja" and ex["framing_tokens"] == 44


def test_cost_warns_only_for_rows_whose_framing_is_not_counted(mirror):
    import tokcost

    res = runner.invoke(app, ["cost", "-m", "gpt-4o", "-m", "deepseek-chat", "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["model"]: r for r in json.loads(res.stdout)["rows"]}
    assert rows["gpt-4o"]["chat_framing"] == "vendor:openai-per-message"
    warned = [ln for ln in res.stderr.splitlines() if "chat requests" in ln]
    assert len(warned) == 1 and "deepseek-chat" in warned[0] and "gpt-4o" not in warned[0]
    res = runner.invoke(app, ["cost", "-m", "gpt-4o", "-f", "json"])
    assert "chat requests" not in res.stderr
    assert tokcost.cost(["gpt-4o"])[0]["chat_framing"] == "vendor:openai-per-message"
    # a text or a corpus pair is not a conversation: no framing claim either way
    for args in (["--text", "안녕", "--en-text", "hi"], ["-c", "samples/news"]):
        res = runner.invoke(app, ["cost", *args, "-m", "gpt-4o", "-f", "json"])
        assert res.exit_code == 0, res.output
        assert "chat_framing" not in json.loads(res.stdout)["rows"][0]


def test_a_hostile_template_on_the_mirror_path_leaves_the_cost_row_unframed(mirror, tmp_path,
                                                                            monkeypatch):
    """Through cost_rows and the CLI: qwen3-max read from a folder whose template loops to a huge
    string is costed on its contents, its row says the template was refused, one warning."""
    from tokcost.tokenizers import load_tokenizer

    folder = tmp_path / "mirror" / "Qwen" / "Qwen3-1.7B"
    folder.mkdir(parents=True)
    (folder / "tokenizer.json").symlink_to(mirror / "Qwen/Qwen3-1.7B/tokenizer.json")
    (folder / "tokenizer_config.json").write_text(json.dumps({"chat_template": HOSTILE[
        "doubled with ~"]}))
    monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", str(tmp_path / "mirror"))
    reqs, [row] = _requests_rows(["qwen3-max"])
    assert row["chat_framing"].startswith("not counted: the chat template "
                                          "(tokenizer_config.json) was refused: SecurityError")
    assert row["framing_tokens"] is None
    tok = load_tokenizer("qwen3")
    assert row["input_tokens"] == round(sum(sum(tok.count(r.texts("ko"))) for r in reqs)
                                        / len(reqs))
    res = runner.invoke(app, ["cost", "-m", "qwen3-max", "-f", "json"])
    assert res.exit_code == 0 and res.exception is None, res.output
    assert "Traceback" not in res.output
    assert [ln for ln in res.stderr.splitlines() if "chat requests" in ln] == [
        "warning: chat requests: the chat template's role markers and turn separators are left "
        "out of these rows' input (the messages' text only) for qwen3-max (chat_framing says "
        "why)"]


def test_an_unreadable_tokenizer_config_is_said_not_taken_for_no_template(mirror, tmp_path):
    from tokcost.tokenizers import load_tokenizer
    from tokcost.tokenizers.chat import ChatFramer

    path = _hostile_folder(tmp_path, mirror, "")
    (path.parent / "tokenizer_config.json").write_text('{"chat_template": "{{ x }}"')
    f = ChatFramer(load_tokenizer(f"qwen3={path}")).framing([Message("user", "안녕")])
    assert (f.tokens, f.source) == (
        None, "not counted: tokenizer_config.json unreadable (JSONDecodeError)")
