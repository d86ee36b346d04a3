"""FLORES-200 / FLORES+ directories: ``dev/kor_Hang.dev``, ``devtest/eng_Latn.devtest``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tokcost.corpora.aligned import AlignedCorpus
from tokcost.corpora.base import Corpus, Pair, ReadOptions
from tokcost.errors import CorpusError

SPLITS = ("dev", "devtest")


def is_flores_dir(path: Path) -> bool:
    return path.is_dir() and any((path / s / f"kor_Hang.{s}").exists() for s in SPLITS)


def _split_files(root: Path, split: str) -> tuple[Path, Path]:
    for ko_name, en_name in ((f"kor_Hang.{split}", f"eng_Latn.{split}"),
                             (f"kor_Hang.{split}.txt", f"eng_Latn.{split}.txt")):
        ko, en = root / split / ko_name, root / split / en_name
        if ko.exists() and en.exists():
            return ko, en
    raise CorpusError(f"no {split}/kor_Hang.{split} and {split}/eng_Latn.{split} here",
                      path=str(root), hint="point at the FLORES root that holds dev/ and devtest/")


class FloresCorpus(Corpus):
    kind = "flores"

    def __init__(self, root: Path, options: ReadOptions | None = None) -> None:
        options = options or ReadOptions()
        if options.split not in (*SPLITS, "all"):
            raise CorpusError(f"unknown FLORES split {options.split!r}",
                              hint="use dev, devtest or all")
        splits = SPLITS if options.split == "all" else (options.split,)
        self.parts = [(s, *_split_files(root, s)) for s in splits]
        files = [p for _, ko, en in self.parts for p in (ko, en)]
        super().__init__(f"flores200-{options.split}", files, options)
        self.root = root

    def _hint_files(self) -> list[Path]:
        return list(self.files[0::2])  # the Korean file of each (ko, en) pair

    def _records(self) -> Iterator[Pair]:
        for split, ko, en in self.parts:
            part = AlignedCorpus(split, ko, en, self.options, domain=f"flores-{split}")
            part.stats = self.stats
            self._reading = (ko, en)
            for pair in part._records():
                yield Pair(f"{split}-{pair.id}", pair.ko, pair.en, pair.domain, pair.line)
