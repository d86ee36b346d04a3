"""Is this tokenizer file the one its catalog entry names? The checks behind ``tokcost tokenizers verify``
(the resolver uses them on every file it resolves; :mod:`tokcost.tokenizers.verify` names what to check).

Three kinds of recorded identity, each checked when the catalog records it:

* ``sha256`` — the file's bytes (like tiktoken's ``expected_hash``); ``sha256_alt`` lists other
  genuine byte-exact copies (e.g. the same BPE as shipped inside a wheel);
* ``git_blob`` — the Hugging Face hub's git blob id, ``sha1(b"blob <size>\\0" + bytes)``, which the
  hub and every git copy of a repository record for each file;
* ``llamacpp_hash`` — llama.cpp's pre-tokenizer check (``convert_hf_to_gguf.py``,
  ``get_vocab_base_pre``): ``sha256(str(ids))`` of the token ids of a fixed check text
  (:data:`CHKTXT`) as the reference Hugging Face tokenizer encodes it, BOS included where that
  tokenizer adds one (``llamacpp_bos``). Equal hashes mean the same vocabulary, merges and
  pre-tokenizer on a text built to tell them apart (whitespace runs, digit groups, emoji, CJK,
  Khmer, Cyrillic, quotes and contractions).

A llama.cpp match also needs the recorded ``vocab_size`` and, where recorded, ``ko_check_hash``:
the same hash of tokcost's Korean check text (:data:`KO_CHKTXT`), since llama.cpp's holds no Korean.

A file is ``verified`` when one recorded identity matches, otherwise ``unverified`` (a modified,
tampered or unknown copy). A file named without a catalog id is matched against every catalog
entry's recorded byte identities.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokcost.errors import TokcostError

# llama.cpp's check text, character for character (convert_hf_to_gguf.py, get_vocab_base_pre).
# Written with escapes so that no editor or normalisation can change it; the ZERO WIDTH JOINER in
# the second emoji and the exact runs of quotes matter. Reproduces llama.cpp's recorded hashes for
# exaone4, a.x-4.0, qwen2, llama-bpe and deepseek-v3 on the shared mirror (tests/test_verify.py).
CHKTXT = (
    "\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n"
    "\U0001f680 (normal) \U0001f636\u200d\U0001f32b\ufe0f (multiple emojis concatenated) "
    "\u2705 \U0001f999\U0001f999 3 33 333 3333 33333 333333 3333333 33333333 3.3 3..3 3...3 "
    "\u1780\u17b6\u1793\u17cb\u178f\u17c2\u1796\u17b7\u179f\u17c1\u179f\u17a2\u17b6\u1785\U0001f601 "
    "?\u6211\u60f3\u5728apple\u5de5\u4f5c1314151\u5929\uff5e ------======= "
    "\u043d\u0435\u0449\u043e \u043d\u0430 \u0411\u044a\u043b\u0433\u0430\u0440\u0441\u043a\u0438 "
    "''''''```````\"\"\"\"......!!!!!!?????? I've been 'told he's there, 'RE you sure? "
    "'M not sure I'll make it, 'D you like some tea? We'Ve a'lL"
)
CHKTXT_SHA256 = "a36179c1e2b1cfcfbfad1dc779addad2ffc778201e4cf0d538bddeafa2c526da"  # of CHKTXT's UTF-8

# tokcost's Korean check text. llama.cpp's holds no Korean, so a copy whose Korean merges or
# vocabulary were altered (counting a Korean sentence as 68 tokens instead of 12) still
# reproduces its hash. Encoded the same way (``sha256(str(ids))``, BOS as for llama.cpp), this
# text's hash is recorded as ``ko_check_hash`` for the entries whose genuine file tokcost has
# seen, and required on top of a llama.cpp match. Everyday and formal prose, numbers with units
# and dates, honorifics, Hanja, English and code mixed in, jamo, rare syllables, spacing.
KO_CHKTXT = (
    "대한민국의 인공지능 산업은 빠르게 성장하고 있습니다. 2025년 7월 15일 매출 1,234,567원을 "
    "기록했고, 전년 대비 12.5% 늘었습니다. 안녕하세요? 저는 서울에서 왔어요. 오늘 날씨가 "
    "참 좋네요! 회의는 오후 3시 30분에 시작합니다. 고객님께서 주문하신 상품은 내일 "
    "도착할 예정입니다. 국회(國會)는 법률안을 심의·의결한다. 한국어 토크나이저의 효율을 "
    "측정합니다: GPT-4o, Claude, EXAONE, A.X, HyperCLOVA X. `def 함수(): return \"결과\"` "
    "ㅋㅋㅋ ㅠㅠ ㄱㄴㄷ 똠얌꿍 뷁 쀏 햏 읊조리다 닭갈비 삶은 달걀 넋두리 값어치 "
    "서울특별시 강남구 테헤란로 123, 02-1234-5678, user@example.co.kr "
    "«인용» “따옴표” ‘작은따옴표’ … ~ ※ ① ② ③ 가나다라마바사아자차카타파하 "
    "띄어쓰기를하지않은문장도토큰수가달라집니다  두 칸  띄운\t탭과\n줄바꿈."
)
KO_CHKTXT_SHA256 = "2ededfffb704842188413839e6a181d41f3883d8f27b3ee6580677e20c59c3e6"  # of KO_CHKTXT's UTF-8

VERIFIED = "verified"
UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Check:
    """One identity check: what was expected, what the file gave, and whether they agree."""

    kind: str  # sha256 | git-blob | llama.cpp | vocab-size | ko-check
    expected: str
    actual: str | None
    passed: bool
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "expected": self.expected, "actual": self.actual,
                "passed": self.passed, "note": self.note}


@dataclass(frozen=True)
class VerifyResult:
    """The identity of one tokenizer file."""

    tokenizer: str
    path: Path | None
    identity: str  # verified | unverified
    method: str | None  # the check that matched (sha256 | git-blob | llama.cpp)
    checks: tuple[Check, ...] = ()
    reason: str = ""
    sha256: str | None = None
    git_blob: str | None = None
    llamacpp_hash: str | None = None
    matched_entry: str | None = None  # for a bare path: the catalog entry it turned out to be
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return self.identity == VERIFIED

    def as_dict(self) -> dict[str, Any]:
        return {
            "tokenizer": self.tokenizer,
            "path": str(self.path) if self.path else None,
            "identity": self.identity,
            "identity_method": self.method,
            "reason": self.reason,
            "sha256": self.sha256,
            "git_blob": self.git_blob,
            "llamacpp_hash": self.llamacpp_hash,
            "matched_entry": self.matched_entry,
            "checks": [c.as_dict() for c in self.checks],
        }


def git_blob_id(path: Path) -> str:
    """The git blob id of a file: ``git hash-object FILE``."""
    size = path.stat().st_size
    h = hashlib.sha1(usedforsecurity=False)
    h.update(b"blob %d\0" % size)
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _hash_ids(ids: list[int]) -> str:
    return hashlib.sha256(str(ids).encode()).hexdigest()


def llamacpp_hash(path: Path, bos: str | None = None, text: str = CHKTXT) -> str:
    """llama.cpp's pre-tokenizer check hash of a ``tokenizer.json``, read with ``tokenizers``.

    ``bos``: the BOS token the reference Hugging Face tokenizer prepends (``llamacpp_bos`` in the
    catalog). Copies whose post-processor does not add it themselves get it prepended, so that the
    ids are those ``AutoTokenizer.encode`` gives on the reference repository. ``text``:
    :data:`KO_CHKTXT` gives tokcost's Korean check hash the same way."""
    from tokenizers import Tokenizer as _HF

    try:
        tok = _HF.from_file(str(path))
    except Exception as exc:  # the tokenizers library raises bare Exceptions on bad JSON
        raise TokcostError(f"not a readable tokenizer.json ({str(exc).splitlines()[0][:120]})",
                           path=str(path)) from None
    ids = list(tok.encode(text, add_special_tokens=True).ids)
    if bos is not None:
        bos_id = tok.token_to_id(bos)
        if bos_id is not None and (not ids or ids[0] != bos_id):
            ids.insert(0, bos_id)
    return _hash_ids(ids)


def ko_check_hash(path: Path, bos: str | None = None) -> str:
    """tokcost's Korean check hash: :func:`llamacpp_hash` of :data:`KO_CHKTXT`."""
    return llamacpp_hash(path, bos, KO_CHKTXT)


def _cached_llamacpp_hash(path: Path, digest: str, bos: str | None, korean: bool = False) -> str:
    """``llamacpp_hash`` (``korean``: ``ko_check_hash``) remembered by file sha256 (loading a
    30 MB tokenizer.json takes a second)."""
    from tokcost.paths import derived_path, read_checked, write_checked

    kind = "ko-check-hash" if korean else "llamacpp-hash"
    memo = derived_path(kind, f"{digest}-{bos or 'nobos'}.txt")
    raw = read_checked(memo)
    if raw is not None and len(raw) == 64:
        return raw.decode("ascii")
    value = ko_check_hash(path, bos) if korean else llamacpp_hash(path, bos)
    write_checked(memo, value.encode("ascii"))
    return value


def _vocab_size_of(path: Path) -> int | None:
    if path.suffix != ".json":
        return None
    from tokenizers import Tokenizer as _HF

    try:
        return int(_HF.from_file(str(path)).get_vocab_size(with_added_tokens=True))
    except Exception:
        return None


def check_file(path: Path, entry: Any, *, digest: str | None = None,
               llamacpp: bool = True) -> VerifyResult:
    """Every identity ``entry`` records, checked on ``path``.

    ``llamacpp=False`` skips the (slower) check-text hash when a byte identity already matched."""
    from tokcost.hashing import sha256_file

    if not path.is_file():
        raise TokcostError("no such tokenizer file", path=str(path))
    sha = digest or sha256_file(path)
    checks: list[Check] = []
    method: str | None = None
    shas = tuple(x for x in (entry.sha256, *entry.sha256_alt) if x)
    if shas:
        ok = sha in shas
        checks.append(Check("sha256", shas[0] if not ok or sha == shas[0] else sha, sha, ok,
                            "" if len(shas) == 1 else f"{len(shas)} genuine copies recorded"))
        method = method or ("sha256" if ok else None)
    blob: str | None = None
    if entry.git_blob:
        blob = git_blob_id(path)
        ok = blob in entry.git_blob
        checks.append(Check("git-blob", entry.git_blob[0] if not ok else blob, blob, ok))
        method = method or ("git-blob" if ok else None)
    chk: str | None = None
    hf_file = path.suffix == ".json" and not path.name.startswith("tekken")
    if entry.llamacpp_hash and hf_file and (llamacpp or method is None):
        try:
            chk = _cached_llamacpp_hash(path, sha, entry.llamacpp_bos)
        except TokcostError as err:
            checks.append(Check("llama.cpp", entry.llamacpp_hash, None, False, err.message))
        else:
            ok = chk == entry.llamacpp_hash
            name = f"llama.cpp {entry.llamacpp}" if entry.llamacpp else "llama.cpp"
            checks.append(Check("llama.cpp", entry.llamacpp_hash, chk, ok, name))
            method = method or ("llama.cpp" if ok else None)
    if method == "llama.cpp" and entry.vocab_size and hf_file:
        # the check text holds no Korean: a vocabulary cut or padded elsewhere must still fail
        size = _vocab_size_of(path)
        ok = size is None or size == entry.vocab_size
        checks.append(Check("vocab-size", str(entry.vocab_size), str(size), ok))
        if not ok:
            method = None
    if method == "llama.cpp" and getattr(entry, "ko_check_hash", None) and hf_file:
        # ... nor do Korean merges: where tokcost recorded its Korean check, it must match too
        try:
            ko = _cached_llamacpp_hash(path, sha, entry.llamacpp_bos, korean=True)
        except TokcostError as err:
            checks.append(Check("ko-check", entry.ko_check_hash, None, False, err.message))
            method = None
        else:
            ok = ko == entry.ko_check_hash
            checks.append(Check("ko-check", entry.ko_check_hash, ko, ok, "tokcost's Korean check"))
            if not ok:
                method = None
    if not checks:
        reason = f"the catalog records no identity for {entry.id}"
    elif method:
        reason = f"{method} matches the catalog"
    else:
        failed = ", ".join(c.kind for c in checks if not c.passed)
        reason = f"{failed} differ{'s' if ',' not in failed else ''} from the catalog"
    return VerifyResult(entry.id, path, VERIFIED if method else UNVERIFIED, method, tuple(checks),
                        reason, sha, blob, chk)


def identify(path: Path, digest: str | None = None) -> Any | None:
    """The catalog entry whose recorded byte identity (sha256) this file has, if any."""
    from tokcost.hashing import sha256_file
    from tokcost.tokenizers.catalog import load_catalog

    sha = digest or sha256_file(path)
    for entry in load_catalog().values():
        if sha == entry.sha256 or sha in entry.sha256_alt:
            return entry
    return None


def chktxt_sha256() -> str:
    return hashlib.sha256(CHKTXT.encode("utf-8")).hexdigest()
