"""Every macro under macros/ is documented in macros/_macros.yml (dbt's macro properties): each with a
plain-text description and its arguments, by name, in the order of its signature. A generic test
({% test name(...) %}) is the macro test_<name>, the name dbt registers. The signatures are read
from the SQL with Jinja's own parser, as dbt reads them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from dbt.parser.schemas import is_valid_type
from jinja2 import Environment, nodes

from pytests.dbt_runner import PROJECT_ROOT

MACROS = PROJECT_ROOT / "macros"
MACRO_DOCS = MACROS / "_macros.yml"

# {% macro name(args) %} or {% test name(args) %}, with or without whitespace control, over lines
OPEN_TAG = re.compile(r"\{%-?\s*(macro|test)\s+(\w+)\s*\((.*?)\)\s*-?%\}", re.DOTALL)
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
MARKDOWN = ("`", "**", "](")


@dataclass(frozen=True)
class Signature:
    name: str
    arguments: tuple[str, ...]
    path: Path


def _argument_names(name: str, arguments: str) -> tuple[str, ...]:
    """The argument names of a signature, from Jinja's parser (defaults may hold commas, brackets)."""
    tree = Environment().parse("{% macro " + name + "(" + arguments + ") %}{% endmacro %}")
    (macro,) = tree.find_all(nodes.Macro)
    return tuple(argument.name for argument in macro.args)


def macro_signatures() -> dict[str, Signature]:
    """Every macro defined under macros/, by the name dbt registers (a generic test: test_<name>)."""
    signatures: dict[str, Signature] = {}
    for path in sorted(MACROS.rglob("*.sql")):
        text = JINJA_COMMENT.sub("", path.read_text())
        for match in OPEN_TAG.finditer(text):
            kind, name, arguments = match.groups()
            registered = f"test_{name}" if kind == "test" else name
            assert registered not in signatures, f"{registered} is defined twice: {signatures[registered].path}, {path}"
            signatures[registered] = Signature(registered, _argument_names(name, arguments), path)
    return signatures


def documented_macros() -> dict[str, dict]:
    """The entries of macros/_macros.yml, by name."""
    entries = yaml.safe_load(MACRO_DOCS.read_text())["macros"]
    names = [entry["name"] for entry in entries]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"documented more than once in {MACRO_DOCS.name}: {duplicates}"
    return {entry["name"]: entry for entry in entries}


def _plain_text_problem(text: object) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return "no description"
    found = [mark for mark in MARKDOWN if mark in text]
    return f"Markdown {found}" if found else None


def test_the_signatures_are_found() -> None:
    signatures = macro_signatures()
    # a few the project cannot do without, with arguments read across lines and defaults
    assert signatures["project_var"].arguments == ("name",)
    assert signatures["test_accepted_range"].arguments == ("model", "column_name", "min_value", "max_value")
    assert signatures["raw_contract_rules"].arguments == ("table_name", "text_columns")
    assert _argument_names("m", "a, b=[1, 2], c={'x': (1, 2)},\n    d=none") == ("a", "b", "c", "d")


def test_every_macro_is_documented() -> None:
    missing = sorted(set(macro_signatures()) - set(documented_macros()))
    assert not missing, f"macros without an entry in macros/_macros.yml: {missing}"


def test_no_documented_macro_is_missing_from_the_sql() -> None:
    stale = sorted(set(documented_macros()) - set(macro_signatures()))
    assert not stale, f"entries of macros/_macros.yml for macros no file under macros/ defines: {stale}"


def test_every_macro_and_argument_description_is_non_empty_plain_text() -> None:
    problems = []
    for name, entry in documented_macros().items():
        if problem := _plain_text_problem(entry.get("description")):
            problems.append(f"{name}: {problem}: {entry.get('description')!r}")
        for argument in entry.get("arguments") or []:
            if problem := _plain_text_problem(argument.get("description")):
                problems.append(f"{name}({argument.get('name')}): {problem}: {argument.get('description')!r}")
    assert not problems, "\n".join(problems)


def test_documented_arguments_match_the_signature_in_order() -> None:
    signatures = macro_signatures()
    problems = []
    for name, entry in documented_macros().items():
        if name not in signatures:
            continue  # a stale entry: test_no_documented_macro_is_missing_from_the_sql
        documented = tuple(argument["name"] for argument in entry.get("arguments") or [])
        if documented != signatures[name].arguments:
            problems.append(f"{name}: documented {documented}, signature {signatures[name].arguments}")
    assert not problems, "\n".join(problems)


def test_every_documented_argument_has_a_type_dbt_accepts() -> None:
    """A type in dbt's grammar of macro argument types (string, integer, float, bool, any, relation, column,
    list[...], dict[..., ...], optional[...]): what dbt checks with the flag validate_macro_args."""
    wrong = [
        f"{name}({argument['name']}): {argument.get('type')!r}"
        for name, entry in documented_macros().items()
        for argument in entry.get("arguments") or []
        if not is_valid_type(str(argument.get("type") or ""))
    ]
    assert not wrong, f"arguments without a type dbt accepts: {wrong}"
