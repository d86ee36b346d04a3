"""Write (or check) the JSON Schemas generated from tokcost's typed records.

    python -m tokcost.schema --write     # regenerate docs/schemas/*.schema.json
    python -m tokcost.schema --check     # exit 1 when a committed schema is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tokcost.schema.registry import SCHEMAS, schema_text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tokcost.schema", description=__doc__.split("\n")[0])
    ap.add_argument("--dir", type=Path, default=Path("docs/schemas"))
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    stale = []
    for name in SCHEMAS:
        path = args.dir / f"{name}.schema.json"
        text = schema_text(name)
        if args.write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        elif not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(str(path))
    if stale:
        print("stale JSON Schemas (run `python -m tokcost.schema --write`): " + ", ".join(stale),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
