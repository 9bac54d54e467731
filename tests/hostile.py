"""The red team's hostile drafts of issue 11, rebuilt from its description (each a draft text).

Every draft is v2 of ``kokuho_healthup_municipal`` made into v3 with one part replaced, so everything else
about it is valid and the only thing wrong is the attack.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROGRAM = "kokuho_healthup_municipal"
_ELIGIBILITY = ("  when: {all: [{clause: data_health_plan}, {any: [{clause: implements_reference_amount_1_category}, "
                "{clause: implements_reference_amount_2_category}]}]}\n")


def base() -> str:
    text = (REPO / "rules" / PROGRAM / "v2.yaml").read_text(encoding="utf-8")
    text = text.replace('version: 2\nstatus: published\npublished_at: "2026-11-22"\n', "version: 3\nstatus: draft\n")
    # a correction of v2 for FY2024 must say so; appended last so no line the tests point at moves
    text = text.rstrip("\n") + "\nsupersedes: 2\nchange_reason: {ja: 検査のための草稿, en: a draft under test}\n"
    assert _ELIGIBILITY in text and "version: 3\nstatus: draft" in text
    return text


def with_eligibility(condition: str) -> str:
    """v3 whose eligibility is ``condition`` (flow-style YAML)."""
    return base().replace(_ELIGIBILITY, f"  when: {condition}\n")


def nested_count_of(levels: int = 3, width: int = 10, at_least: int = 5) -> str:
    """``count_of`` inside ``count_of`` ``levels`` deep, each choosing ``at_least`` of ``width``.

    Expanding it writes C(width, at_least) groups at each level, so the expansion multiplies per level:
    with the defaults, ~1e8 leaves from a 13 KB file.
    """
    def level(depth: int, seed: int) -> str:
        if depth == 0:
            return f"{{fact: insured_count, at_least: {seed}}}"
        items = ", ".join(level(depth - 1, seed * width + i) for i in range(width))
        return f"{{count_of: [{items}], at_least: {at_least}}}"
    return with_eligibility(level(levels, 1))


def doubling_clauses(count: int = 40) -> str:
    """Clauses each using the previous one twice: inlining them writes 2**count leaves."""
    clauses = ["  - id: c0\n    when: {fact: insured_count, at_least: 1}\n"]
    clauses += [f"  - id: c{i}\n    when: {{any: [{{clause: c{i - 1}}}, {{clause: c{i - 1}}}]}}\n"
                for i in range(1, count)]
    cites = ('    cites: {document: 001_c02c95a32821d2bb.txt, line: 1770, quote: "○ データ分析に基づくPDCAサイクルに'
             '沿った中長期的なデータヘルス計画を策定していること。"}\n    reason: {ja: 攻撃, en: attack}\n')
    text = with_eligibility(f"{{all: [{{clause: data_health_plan}}, {{clause: c{count - 1}}}]}}")
    return text.replace("clauses:\n", "clauses:\n" + "".join(c + cites for c in clauses), 1)


def deep_yaml(depth: int = 100_000) -> str:
    """A YAML value nested ``depth`` lists deep (flow style: two characters a level)."""
    return with_eligibility("[" * depth + "]" * depth)


def deep_not(depth: int = 600) -> str:
    return with_eligibility("{not: " * depth + "{fact: has_data_health_plan, is: true}" + "}" * depth)


def huge_integer(digits: int = 5000) -> str:
    return with_eligibility("{fact: insured_count, at_least: " + "9" * digits + "}")
