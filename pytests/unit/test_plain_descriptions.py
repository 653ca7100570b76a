"""Descriptions are plain text: BI tools (and persisted comments on Snowflake) show a model's, a column's or
a metric's description as it is written, so Markdown (a backtick, **bold**, a [link](url)) shows raw.
Checked: every value of a key description, at any depth, in every YAML file under models/, seeds/ and
macros/, and every docs block of models/**/*.md (which descriptions pull in with doc())."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from pytests.dbt_runner import PROJECT_ROOT

YAML_ROOTS = ("models", "seeds", "macros")
MARKDOWN = ("`", "**", "](")
DOCS_BLOCK = re.compile(r"\{%-?\s*docs\s+(\w+)\s*-?%\}(.*?)\{%-?\s*enddocs\s*-?%\}", re.DOTALL)

# Docs blocks that are not checked, each with why. __overview__ is the docs site's front page (dbt's own
# name), never a description, and Markdown by design (a table of the vars).
NOT_DESCRIPTIONS = {"__overview__"}
# Rendered by code this check does not cover: fix the renderer, then remove the block from here.
RENDERED_WITH_MARKDOWN: dict[str, str] = {}


def _yaml_files() -> list[Path]:
    return sorted(
        path for root in YAML_ROOTS for pattern in ("*.yml", "*.yaml") for path in (PROJECT_ROOT / root).rglob(pattern)
    )


def _descriptions(node: object, where: str = "") -> Iterator[tuple[str, str]]:
    """(where, text) of every string under a key description, at any depth; where is a dotted path."""
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{where}.{key}" if where else str(key)
            if key == "description" and isinstance(value, str):
                yield path, value
            yield from _descriptions(value, path)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            name = value.get("name") if isinstance(value, dict) else None
            yield from _descriptions(value, f"{where}[{name or index}]")


def _docs_blocks() -> Iterator[tuple[Path, str, str]]:
    for path in sorted((PROJECT_ROOT / "models").rglob("*.md")):
        for match in DOCS_BLOCK.finditer(path.read_text()):
            yield path, match.group(1), match.group(2)


def _markdown_in(text: str) -> list[str]:
    return [mark for mark in MARKDOWN if mark in text]


def test_the_walk_finds_descriptions_at_any_depth() -> None:
    found = dict(
        _descriptions({"models": [{"name": "m", "description": "a", "columns": [{"name": "c", "description": "b"}]}]})
    )
    assert found == {"models[m].description": "a", "models[m].columns[c].description": "b"}
    assert _markdown_in("see `x`, **y** and [z](u)") == ["`", "**", "]("]
    assert len(_yaml_files()) > 10 and any(True for _ in _docs_blocks())


def test_no_yaml_description_contains_markdown() -> None:
    problems = []
    for path in _yaml_files():
        for where, text in _descriptions(yaml.safe_load(path.read_text())):
            if marks := _markdown_in(text):
                problems.append(f"{path.relative_to(PROJECT_ROOT)}: {where}: {marks}: {text.strip()!r}")
    assert not problems, "descriptions with Markdown (write them as plain text):\n" + "\n".join(problems)


def test_no_docs_block_contains_markdown() -> None:
    problems = []
    for path, name, text in _docs_blocks():
        if name in NOT_DESCRIPTIONS or name in RENDERED_WITH_MARKDOWN:
            continue
        if marks := _markdown_in(text):
            problems.append(f"{path.relative_to(PROJECT_ROOT)}: docs block {name}: {marks}: {text.strip()!r}")
    assert not problems, "docs blocks with Markdown (write them as plain text):\n" + "\n".join(problems)


def test_every_docs_block_left_unchecked_still_needs_it() -> None:
    """An exemption that is no longer needed is removed, so the check covers the block again."""
    blocks = {name: text for _, name, text in _docs_blocks()}
    for name, reason in RENDERED_WITH_MARKDOWN.items():
        assert name in blocks, f"docs block {name} no longer exists: remove it from RENDERED_WITH_MARKDOWN"
        assert _markdown_in(blocks[name]), f"docs block {name} is plain text now ({reason}): remove its exemption"
