"""A chat request's framing: the tokens its chat format adds around the messages' text.

``framing = tokens(the whole rendered conversation, generation prompt included) − Σ tokens(each
message's content)``, so a request's input (contents + framing) is what the model's server
counts. Where the number comes from (``source``, on every cost row as ``chat_framing``):

* ``template:<file>``: the model's own chat template from the tokenizer's folder
  (``chat_template.jinja``, else ``chat_template`` in ``tokenizer_config.json``, a string or a
  list of named templates, ``default`` taken), rendered as ``transformers`` renders it (jinja2,
  ``trim_blocks``/``lstrip_blocks``, ``raise_exception``, ``tojson``, the special tokens as
  variables) but in jinja2's ``ImmutableSandboxedEnvironment``, with the output, every string a
  template builds and the time bounded; nothing in the folder is ever imported or run. The
  rendered text is encoded as the server does: special-token strings are special tokens, and no
  BOS/EOS is added (the template writes them).
* ``vendor:openai-per-message``: OpenAI's documented overhead for its chat models (the OpenAI
  cookbook "How to count tokens with tiktoken"): 3 tokens per message, 1 more per ``name``,
  3 priming the reply.
* ``not counted: …`` with the reason otherwise (no template, no documented overhead, a vendor
  endpoint that counts messages one by one, a proxy tokenizer, a template that fails or is
  refused): the row's input is then the messages' text only, and says so.

jinja2 is imported only when a template is rendered (``tokcost --help`` stays fast).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tokcost.tokenizers.base import Tokenizer

OPENAI_SOURCE = "vendor:openai-per-message"
OPENAI_PER_MESSAGE = 3  # <|start|>{role}\n … <|end|> (cookbook: gpt-3.5-turbo-0613, gpt-4, gpt-4o)
OPENAI_PER_NAME = 1
OPENAI_REPLY_PRIMING = 3  # every reply is primed with <|start|>assistant<|message|>
OPENAI_CHAT_ENCODINGS = frozenset({"o200k_base", "cl100k_base"})
MAX_TEMPLATE_CHARS = 200_000  # a chat template longer than this is refused unread
MAX_CONFIG_BYTES = 32 * 2**20  # a tokenizer_config.json larger than this is not read
MIN_RENDER_BOUND = 200_000  # characters the rendered conversation may exceed its contents by
RENDER_SECONDS = 5.0
MAX_INT_BITS = 100_000  # a number a template computes: at most this many bits
# a width or precision in a %-format or a format spec (what follows %, a flag, ".", ":" or an
# alignment): a template's format string may not ask for more than the bound
_DIGITS = re.compile(r"[%.:<>^=+\- #0](\d+)")
_TEMPLATE_BACKENDS = frozenset({"hf", "transformers"})
_SPECIAL_KEYS = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token",
                 "mask_token")


@dataclass(frozen=True)
class Framing:
    """A request's framing tokens (``None`` when not counted) and where they come from."""

    tokens: int | None
    source: str

    @property
    def counted(self) -> bool:
        return self.tokens is not None


class RenderRefused(Exception):
    """A template that broke a bound (size, time) or failed: the reason, one line."""


def _message(m: Any) -> dict[str, str]:
    if isinstance(m, dict):
        return {k: str(v) for k, v in m.items()}
    out = {"role": str(m.role), "content": str(m.content)}
    name = getattr(m, "name", None)
    if name:
        out["name"] = str(name)
    return out


def _token_text(v: Any) -> str | None:
    """A special token as tokenizer_config writes it: a string or an AddedToken dict."""
    if isinstance(v, str):
        return v
    if isinstance(v, dict) and isinstance(v.get("content"), str):
        return str(v["content"])
    return None


def _read_json(path: Path) -> dict[str, Any] | str:
    """A JSON object file beside the tokenizer ({} when absent), or why it cannot be read."""
    try:
        if not path.is_file():
            return {}
        if path.stat().st_size > MAX_CONFIG_BYTES:
            return f"{path.name} is larger than {MAX_CONFIG_BYTES // 2**20} MB"
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return f"{path.name} unreadable ({type(exc).__name__})"
    return data if isinstance(data, dict) else f"{path.name} is not a JSON object"


def find_template(folder: Path) -> tuple[str, str, dict[str, str]] | str:
    """The folder's chat template: (source, template text, special tokens), or why there is
    none. ``chat_template.jinja`` wins over ``tokenizer_config.json`` (as in transformers)."""
    config = _read_json(folder / "tokenizer_config.json")
    if isinstance(config, str):
        return config
    specials: dict[str, str] = {}
    tokens_map = _read_json(folder / "special_tokens_map.json")
    for src in (tokens_map if isinstance(tokens_map, dict) else {}, config):
        for key in _SPECIAL_KEYS:
            text = _token_text(src.get(key))
            if text is not None:
                specials[key] = text
    jinja = folder / "chat_template.jinja"
    if jinja.is_file():
        if jinja.stat().st_size > MAX_TEMPLATE_CHARS * 4:
            return f"{jinja.name} is larger than {MAX_TEMPLATE_CHARS:,} characters"
        try:
            return f"template:{jinja.name}", jinja.read_text(encoding="utf-8"), specials
        except (OSError, UnicodeDecodeError) as exc:
            return f"{jinja.name} unreadable ({type(exc).__name__})"
    raw = config.get("chat_template")
    if isinstance(raw, list):  # [{"name": "default", "template": …}, {"name": "tool_use", …}]
        named = {t.get("name"): t.get("template") for t in raw if isinstance(t, dict)}
        raw = named.get("default")
        if raw is None:
            return "tokenizer_config.json has named chat templates but none called 'default'"
    if isinstance(raw, str) and raw:
        return "template:tokenizer_config.json", raw, specials
    return f"no chat template in the tokenizer's folder ({folder.name})"


@dataclass
class _Limits:
    """The bounds of the render under way (one compiled template serves many renders)."""

    bound: int = MIN_RENDER_BOUND
    deadline: float = 0.0


def _sandbox(limits: _Limits) -> Any:
    """jinja2's ImmutableSandboxedEnvironment, configured as transformers configures its own,
    with every string the template builds bounded to ``limits.bound`` characters (``+``, ``*``,
    ``**``, ``~``, method calls and filters) and the time to ``limits.deadline``."""
    import jinja2
    from jinja2.compiler import CodeGenerator
    from jinja2.ext import Extension, loopcontrols
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    def too_long() -> SecurityError:
        return SecurityError(f"a value of more than {limits.bound:,} characters")

    def check(value: Any) -> Any:
        bound = limits.bound
        if isinstance(value, str | bytes | list | tuple | dict) and len(value) > bound:
            raise too_long()
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise SecurityError(f"a number of more than {MAX_INT_BITS:,} bits")
        if time.monotonic() > limits.deadline:
            raise SecurityError(f"rendering took more than {RENDER_SECONDS:g} s")
        return value

    def check_args(args: Sequence[Any], kwargs: dict[str, Any]) -> None:
        bound = limits.bound
        for a in (*args, *kwargs.values()):
            if isinstance(a, int) and not isinstance(a, bool) and abs(a) > bound:
                raise SecurityError(f"a number argument above {bound:,}")
            check(a)

    def check_format(fmt: Any) -> None:
        """A width or precision in a format string (``%999999999d``, ``{:>999999999}``)."""
        if isinstance(fmt, str) and any(int(d) > limits.bound for d in _DIGITS.findall(fmt)):
            raise SecurityError(f"a format width above {limits.bound:,}")

    def joined(sep: str, items: Any) -> str:
        parts = [x if isinstance(x, str) else str(x) for x in items]
        if sum(map(len, parts)) + len(sep) * max(len(parts) - 1, 0) > limits.bound:
            raise too_long()
        return sep.join(parts)

    def replaced(text: str, old: str, new: str, count: int | None = None) -> str:
        n = text.count(old) if count is None or count < 0 else min(count, text.count(old) + 1)
        if len(text) + n * len(new) > limits.bound:
            raise too_long()
        return text.replace(old, new) if count is None else text.replace(old, new, count)

    class _Generator(CodeGenerator):
        def visit_Concat(self, node: Any, frame: Any) -> None:  # ``a ~ b``: bounded
            self.write("environment.tokcost_concat((")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")

    class _Generation(Extension):  # transformers' {% generation %} marks: body kept as is
        tags = {"generation"}  # noqa: RUF012 (jinja2 declares it a set)

        def parse(self, parser: Any) -> Any:
            lineno = next(parser.stream).lineno
            body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
            return jinja2.nodes.Scope(body, lineno=lineno)

    class _Env(ImmutableSandboxedEnvironment):
        code_generator_class = _Generator
        intercepted_binops = frozenset({"+", "*", "**", "%"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            bound = limits.bound
            ints = isinstance(left, int) and isinstance(right, int)
            if operator == "**":
                if ints and right > 0 and left.bit_length() * right > MAX_INT_BITS:
                    raise SecurityError(f"a number of more than {MAX_INT_BITS:,} bits")
                return check(left ** right)
            if operator == "*":
                if ints and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                    raise SecurityError(f"a number of more than {MAX_INT_BITS:,} bits")
                n, seq = (right, left) if isinstance(right, int) else (left, right)
                if isinstance(n, int) and isinstance(seq, str | bytes | list | tuple) \
                        and len(seq) * max(n, 0) > bound:
                    raise too_long()
                return check(left * right)
            if operator == "%":
                check_format(left)
                return check(super().call_binop(context, operator, left, right))
            if isinstance(left, str | bytes | list | tuple) and \
                    isinstance(right, str | bytes | list | tuple) and \
                    len(left) + len(right) > bound:
                raise SecurityError(f"a value of more than {bound:,} characters")
            return check(super().call_binop(context, operator, left, right))

        def wrap_str_format(self, value: Any) -> Any:  # "{:>999999999}".format: refused
            if getattr(value, "__name__", "") in ("format", "format_map"):
                check_format(getattr(value, "__self__", None))
            return super().wrap_str_format(value)

        def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
            # jinja2 returns an Undefined that prints as ""; a template reaching for Python's
            # internals is refused instead
            raise SecurityError(f"access to attribute {attribute!r} of a "
                                f"{type(obj).__name__!r} object is unsafe")

        def tokcost_concat(self, parts: Sequence[Any]) -> str:
            bound = limits.bound
            texts = [p if isinstance(p, str) else str(p) for p in parts]
            if sum(map(len, texts)) > bound:
                raise SecurityError(f"a value of more than {bound:,} characters")
            return check("".join(texts))

        def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            check_args(args, kwargs)
            bound = limits.bound
            owner = getattr(__obj, "__self__", None)
            name = getattr(__obj, "__name__", "")
            if isinstance(owner, str):  # the string methods that can grow a string
                if name == "replace" and len(args) >= 2 and isinstance(args[0], str) \
                        and isinstance(args[1], str):
                    return check(replaced(owner, args[0], args[1], *args[2:3]))
                if name == "join" and len(args) == 1:
                    return joined(owner, args[0])
                if name == "expandtabs" and len(owner) * 8 > bound:
                    raise too_long()
            return check(super().call(__context, __obj, *args, **kwargs))

    def tojson(x: Any, ensure_ascii: bool = False, indent: int | None = None,
               separators: Any = None, sort_keys: bool = False) -> str:
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                          sort_keys=sort_keys)

    def raise_exception(message: str) -> None:
        raise jinja2.exceptions.TemplateError(message)

    def strftime_now(fmt: str) -> str:
        from datetime import datetime

        return datetime.now().strftime(fmt)

    env = _Env(trim_blocks=True, lstrip_blocks=True, extensions=[_Generation, loopcontrols])
    env.filters["tojson"] = tojson
    original = dict(env.filters)
    from jinja2.filters import make_attrgetter

    def join_filter(value: Any, d: str = "", attribute: Any = None) -> str:
        items = list(value)
        if attribute is not None:
            get = make_attrgetter(env, attribute)
            items = [get(x) for x in items]
        return joined(str(d), items)

    def replace_filter(s: Any, old: Any, new: Any, count: int | None = None) -> str:
        return replaced(str(s), str(old), str(new), count)

    def indent_filter(s: Any, width: Any = 4, *args: Any, **kwargs: Any) -> Any:
        w = len(width) if isinstance(width, str) else int(width)
        if len(str(s)) + w * (str(s).count("\n") + 1) > limits.bound:
            raise too_long()
        return original["indent"](s, width, *args, **kwargs)

    def format_filter(value: Any, *args: Any, **kwargs: Any) -> Any:
        check_format(value)
        return original["format"](value, *args, **kwargs)

    def sum_filter(env_: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
        items = list(iterable)
        sized = sum(len(x) for x in items if hasattr(x, "__len__"))
        if isinstance(start, str | list | tuple) and len(start) + sized > limits.bound:
            raise too_long()
        return original["sum"](env_, items, attribute, start)

    sum_filter.jinja_pass_arg = original["sum"].jinja_pass_arg  # type: ignore[attr-defined]
    env.filters.update(join=join_filter, replace=replace_filter, indent=indent_filter,
                       format=format_filter, sum=sum_filter)

    def bounded(fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check_args(args[1:], kwargs)
            return check(fn(*args, **kwargs))

        for attr in ("jinja_pass_arg",):  # keep @pass_context / @pass_environment markers
            if hasattr(fn, attr):
                setattr(wrapper, attr, getattr(fn, attr))
        return wrapper

    env.filters = {k: bounded(f) for k, f in env.filters.items()}
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


class Renderer:
    """One chat template, compiled once in the bounded sandbox, rendered for many conversations.
    Every failure is :class:`RenderRefused` with a one-line reason (never a traceback)."""

    def __init__(self, template: str) -> None:
        if len(template) > MAX_TEMPLATE_CHARS:
            raise RenderRefused(f"a chat template longer than {MAX_TEMPLATE_CHARS:,} characters")
        self._limits = _Limits()
        self._compiled: Any = self._guarded(lambda: _sandbox(self._limits).from_string(template))

    def _guarded(self, work: Callable[[], Any]) -> Any:
        """``work()`` under the time bound (every line of the compiled template checks it, so
        even a loop that neither emits nor calls stops), its errors as RenderRefused."""
        from jinja2.exceptions import TemplateError

        limits = self._limits
        limits.deadline = time.monotonic() + RENDER_SECONDS
        previous = sys.gettrace()

        def local(frame: Any, event: str, arg: Any) -> Any:
            if time.monotonic() > limits.deadline:
                raise RenderRefused(f"rendering took more than {RENDER_SECONDS:g} s")
            return local

        def tracer(frame: Any, event: str, arg: Any) -> Any:
            return local if frame.f_code.co_filename == "<template>" else None

        sys.settrace(tracer)
        try:
            return work()
        except RenderRefused:
            raise
        except TemplateError as exc:  # SecurityError and raise_exception are TemplateErrors
            raise RenderRefused(f"{type(exc).__name__}: {_one_line(str(exc))}") from None
        except (MemoryError, RecursionError) as exc:
            raise RenderRefused(f"{type(exc).__name__} while rendering") from None
        except Exception as exc:  # a template's own bug (a wrong key, a type error)
            raise RenderRefused(f"{type(exc).__name__}: {_one_line(str(exc))}") from None
        finally:
            sys.settrace(previous)

    def render(self, messages: Sequence[Any], specials: dict[str, str], *,
               add_generation_prompt: bool = True, bound: int = MIN_RENDER_BOUND) -> str:
        self._limits.bound = bound
        variables = dict(messages=[_message(m) for m in messages], tools=None, documents=None,
                         add_generation_prompt=add_generation_prompt, **specials)

        def work() -> str:
            out: list[str] = []
            size = 0
            for chunk in self._compiled.generate(**variables):
                size += len(chunk)
                if size > bound:
                    raise RenderRefused(f"the rendered conversation exceeds {bound:,} characters")
                out.append(chunk)
            return "".join(out)

        return str(self._guarded(work))


def render(template: str, messages: Sequence[Any], specials: dict[str, str], *,
           add_generation_prompt: bool = True, bound: int = MIN_RENDER_BOUND) -> str:
    """The conversation rendered by ``template`` in the bounded sandbox; raises
    :class:`RenderRefused` with a one-line reason when it fails or breaks a bound."""
    return Renderer(template).render(messages, specials,
                                     add_generation_prompt=add_generation_prompt, bound=bound)


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ChatFramer:
    """The framing of requests on one loaded tokenizer (the method chosen once)."""

    def __init__(self, tok: Tokenizer) -> None:
        self.tok = tok
        self.source = ""
        self._template: tuple[str, dict[str, str]] | None = None
        self._renderer: Renderer | None = None
        self._openai = False
        res = tok.resolution
        encoding = getattr(res.entry, "encoding", None)
        if res.backend == "vendor-api" or tok.backend == "vendor-api":
            self.source = ("not counted: the vendor's endpoint counts each message's text on its "
                           "own (its framing subtracted), not the whole conversation")
        elif tok.backend == "tiktoken":
            if (encoding or res.entry.id) in OPENAI_CHAT_ENCODINGS:
                self._openai = True
                self.source = OPENAI_SOURCE
            else:
                self.source = (f"not counted: {res.entry.id} is a completion-era encoding with "
                               "no documented chat format")
        elif res.tokenizer_match == "proxy":
            self.source = (f"not counted: {res.entry.id} is counted with another model's "
                           "tokenizer (proxy), whose chat template is not this model's")
        elif tok.backend not in _TEMPLATE_BACKENDS:
            self.source = (f"not counted: a {tok.backend} tokenizer has no chat template in its "
                           "folder (its vendor's library frames messages in code)")
        else:
            found = find_template(res.path.parent)
            if isinstance(found, str):
                self.source = f"not counted: {found}"
            else:
                self.source, text, specials = found
                self._template = (text, specials)

    def framing(self, messages: Sequence[Any], content_tokens: int | None = None) -> Framing:
        """The framing of one conversation (``content_tokens``: Σ tokens of its contents, when
        the caller has counted them already)."""
        if self._openai:
            msgs = [_message(m) for m in messages]
            return Framing(OPENAI_PER_MESSAGE * len(msgs)
                           + OPENAI_PER_NAME * sum(1 for m in msgs if m.get("name"))
                           + OPENAI_REPLY_PRIMING, self.source)
        if self._template is None:
            return Framing(None, self.source)
        text, specials = self._template
        contents = [_message(m)["content"] for m in messages]
        bound = MIN_RENDER_BOUND + 4 * sum(map(len, contents))
        try:
            if self._renderer is None:
                self._renderer = Renderer(text)
            rendered = self._renderer.render(messages, specials, bound=bound)
        except RenderRefused as exc:
            name = self.source.removeprefix("template:")
            return Framing(None, f"not counted: the chat template ({name}) was refused: {exc}")
        if content_tokens is None:
            content_tokens = sum(self.tok.count(contents)) if contents else 0
        whole = len(self.tok.encode(rendered, add_special_tokens=False))
        return Framing(whole - content_tokens, self.source)


def framing(tok: Tokenizer, messages: Sequence[Any]) -> Framing:
    """The framing tokens of one conversation on ``tok`` and their source (module docstring)."""
    return ChatFramer(tok).framing(messages)
