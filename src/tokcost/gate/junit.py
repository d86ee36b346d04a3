"""JUnit XML for CI test reporters: one testcase per compared metric or prompt budget."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from tokcost.gate.compare import Comparison, fmt_pct, fmt_value
from tokcost.gate.prompts import PromptRow


def _suite(name: str) -> ET.Element:
    return ET.Element("testsuite", name=name)


def _finish(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", "0")
    suite.set("skipped", "0")


def junit_xml(comparison: Comparison | None, prompts: Sequence[PromptRow] | None) -> str:
    root = ET.Element("testsuites", name="tokcost check")
    if comparison is not None:
        suite = _suite("tokcost baseline")
        for r in comparison.rows:
            m = r.metric
            cur = m.key[1] if m.kind != "ratio" else None
            case = ET.SubElement(suite, "testcase", classname=f"tokcost.{m.kind}", name=m.label)
            text = (f"baseline {fmt_value(m.kind, r.baseline, cur)}, current "
                    f"{fmt_value(m.kind, r.current, cur)}, change {fmt_pct(r.change_pct)}, "
                    f"limit {r.limit_text()}: {r.status}")
            if r.notes:
                text += " (" + "; ".join(r.notes) + ")"
            if r.failed:
                fail = ET.SubElement(case, "failure", message=text, type=r.status)
                fail.text = text
            else:
                ET.SubElement(case, "system-out").text = text
        _finish(suite)
        root.append(suite)
    if prompts:
        suite = _suite("tokcost prompt budgets")
        for p in prompts:
            case = ET.SubElement(suite, "testcase", classname="tokcost.prompt",
                                 name=f"{p.file} · {p.target}")
            text = f"{p.tokens} tokens on {p.tokenizer}, budget {p.budget}: {p.status}"
            if p.failed:
                ET.SubElement(case, "failure", message=text, type="over budget").text = text
            else:
                ET.SubElement(case, "system-out").text = text
        _finish(suite)
        root.append(suite)
    suites = root.findall("testsuite")
    root.set("tests", str(sum(int(s.get("tests", "0")) for s in suites)))
    root.set("failures", str(sum(int(s.get("failures", "0")) for s in suites)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
