"""sqlfluff over the SQL inside the project's macros (macros/**/*.sql), with the committed rules.

Neither of sqlfluff's templaters lints a macro's body: the jinja templater renders a file of
`{% macro %}` definitions to nothing (an upper-case SELECT inside a macro passes unseen) and the
dbt templater skips macro files. So each macro's body is linted as a template of its own: for
every `{% macro %}` / `{% test %}` block with SQL in it, sqlfluff (jinja templater) lints a view of
the file in which everything outside that body is a Jinja comment of the same size, so every
violation is reported at the file's own line and column. The body's SQL is wrapped in a minimal
statement that sqlfluff parses but reports nothing in (templated text): nothing around a statement,
`select 1 where` before an expression, `with` before a list of CTEs and a select after it,
`select 1 where cast(1 as` before a type name. Names the body does not define render as their own
names (sqlfluff's `ignore = templating` dummies: an argument `score` renders as `score`, a call
`type_double()` as `type_double`); an argument with a literal default gets that default. Each file
is also linted whole for what concerns every line: line length, Jinja tag padding, the file's first
and last line.

Settings: the project's .sqlfluff with macros/.sqlfluff on top (jinja templater, its dbt builtins,
the indentation of Jinja-heavy code, the context values an argument needs to render as valid SQL).
Macros named snowflake__* are linted in the snowflake dialect, the others in duckdb.

    .venv/bin/python scripts/lint_macros.py [FILE_OR_DIR ...]    # default: macros/

Prints one line per violation (path:line:column: code description) and exits 1 when there is any,
or when a macro body could not be templated or parsed (never a silent pass).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from jinja2 import Environment, nodes
from sqlfluff.core import FluffConfig, Linter
from sqlfluff.core.linter import LintedFile
from sqlfluff.core.templaters.jinja import DummyUndefined

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MACROS = PROJECT_ROOT / "macros"

OPEN_TAG = re.compile(r"\{%-?\s*(macro|test)\s+(\w+)\s*\(.*?\)\s*-?%\}", re.DOTALL)
END_TAG = re.compile(r"\{%-?\s*end(macro|test)\s*-?%\}")
JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
QUERY_START = re.compile(r"(select|with)\b", re.IGNORECASE)
STATEMENT_START = re.compile(r"(create|insert|delete|update|merge|grant)\b", re.IGNORECASE)
CTE_LIST_START = re.compile(r"\w+\s+as\s*\(", re.IGNORECASE)
JOIN_START = re.compile(r"((left|right|full|inner|cross)\s+(outer\s+)?)?join\b", re.IGNORECASE)
CTE_NAME = re.compile(r"(\w+)\s+as\s*\(", re.IGNORECASE)
TYPE_NAME = re.compile(r"(double precision|double|float|real|varchar|text|timestamp|boolean|integer|bigint)$")

# The statement a body's SQL is wrapped in (prefix, suffix), templated: parsed, never reported.
STATEMENT = ("", "")
# A query is linted as the body of a CTE: indented one level inside its macro, as a model's CTE.
QUERY = ("with macro_body as (", "\n)\n\nselect * from macro_body")
EXPRESSION = ("select 1 where\n    ", "")
TYPE = ("select 1 where cast(1 as ", ") = 1")
CTE_LIST = ("with\n", "\n\nselect * from {last_cte}")
JOINS = ("with macro_body as (\n    select 1\n    from macro_context", "\n)\n\nselect * from macro_body")
# A fragment's table qualifiers name the caller's relations, which the wrapper's FROM does not have.
FRAGMENT_EXCLUDED_RULES = ["references.from"]
USE_PREFIX, USE_SUFFIX = "{{ _lp }}", "{{ _ls }}"
# (unpadded, to leave room for the comment over the rest of the closing tag; padding is not linted in the view)
BLOCK_OPEN, BLOCK_CLOSE, BLOCK_CLOSE_TRIMMED = "{%if 1%}", "{%endif%}", "{%-endif%}"
PLACEHOLDER = max(len(USE_PREFIX), len(USE_SUFFIX), len(BLOCK_OPEN), len(BLOCK_CLOSE_TRIMMED))

# The view's own tags are padded to size: Jinja tag padding is linted on the file as it is.
VIEW_EXCLUDED_RULES = ["jinja.padding"]
WHOLE_FILE_RULES = "layout.long_lines,layout.end_of_file,layout.start_of_file,jinja.padding"
# dbt's context in a macro: `config` is the model's config object (config.get), not the config()
# call of a model file; exceptions.raise_compiler_error stops the run (renders nothing); dbt's
# get_table_columns_and_constraints renders a contract's column list.
DBT_MACRO_CONTEXT = {
    "config": DummyUndefined("config"),
    "get_table_columns_and_constraints": lambda: "(contract_column integer)",
    "get_select_subquery": lambda sql: sql,
    "exceptions": SimpleNamespace(
        raise_compiler_error=lambda *args, **kwargs: "",
        warn=lambda *args, **kwargs: "",
    ),
}

JINJA_ENV = Environment(extensions=["jinja2.ext.do"])


@dataclass(frozen=True)
class Macro:
    name: str
    open_start: int
    body_start: int
    body_end: int
    arguments: tuple[str, ...]
    defaults: dict[str, object]


def macro_node(open_tag: str) -> nodes.Macro:
    tag = re.sub(r"^\{%(-?)\s*test\b", r"{%\1 macro", open_tag)
    return next(JINJA_ENV.parse(tag + "{% endmacro %}").find_all(nodes.Macro))


def find_macros(text: str) -> list[Macro]:
    """Every {% macro %} / {% test %} block of a file, in order."""
    macros = []
    position = 0
    while match := OPEN_TAG.search(text, position):
        end = END_TAG.search(text, match.end())
        if end is None:
            raise ValueError(f"{match.group(2)}: no end{match.group(1)}")
        node = macro_node(match.group(0))
        names = [arg.name for arg in node.args]
        macros.append(
            Macro(
                name=match.group(2),
                open_start=match.start(),
                body_start=match.end(),
                body_end=end.start(),
                arguments=tuple(names),
                # arguments whose default is a number, a string or a boolean
                defaults={
                    name: default.value
                    for name, default in zip(names[len(names) - len(node.defaults) :], node.defaults, strict=True)
                    if isinstance(default, nodes.Const) and isinstance(default.value, (int, float, str, bool))
                },
            )
        )
        position = end.end()
    return macros


def sql_text(body: str) -> str:
    """A body's literal text (what is not Jinja), stripped: empty for a macro of Jinja only."""
    return JINJA.sub(" ", body).strip()


def wrapper(body: str) -> tuple[str, str]:
    literal = sql_text(body)
    if QUERY_START.match(literal):
        return QUERY
    if STATEMENT_START.match(literal):
        return STATEMENT
    if CTE_LIST_START.match(literal):
        prefix, suffix = CTE_LIST
        return prefix, suffix.format(last_cte=CTE_NAME.findall(literal)[-1])
    if JOIN_START.match(literal):
        return JOINS
    if TYPE_NAME.match(literal):
        return TYPE
    return EXPRESSION


def comment_over(text: str, opening: str = "{#") -> str:
    """A Jinja comment in text's place: same length, same line breaks (line breaks before its first
    two characters on one line and after its last two stay outside it, as blank lines)."""
    if not text.strip():
        return text
    width = len(opening)
    first = next((i for i in range(len(text) - width + 1) if "\n" not in text[i : i + width]), None)
    last = next((i for i in range(len(text) - 2, -1, -1) if "\n" not in text[i : i + 2]), None)
    if first is None or last is None or last < first + width:
        raise ValueError(f"no room for a Jinja comment over {text!r}")
    inner = re.sub(r"[^\n]", " ", text[first + width : last])
    return text[:first] + opening + inner + "#}" + text[last + 2 :]


def body_view(text: str, macro: Macro, prefix: str, suffix: str) -> str:
    """The file as one template of the macro's body, every position unchanged.

    Before the body: a comment, then `{{ _lp }}` (the prefix) ending the opening tag's line; after
    it: `{{ _ls }}` (the suffix) where the closing tag starts, then a comment to the end. A statement
    (no SQL wraps it) sits in a Jinja block instead, `{% if 1 %}` ... `{% endif %}`, which indents it
    one level as the macro does. The body's leading whitespace is kept (an opening `-%}` is not), so
    its SQL is linted as it is laid out in the file.
    """
    body = text[macro.body_start : macro.body_end]
    tail = text[macro.body_end :]
    line_start = text.rfind("\n", 0, macro.open_start) + 1
    if (prefix, suffix) == STATEMENT:
        opening, closing = BLOCK_OPEN, (BLOCK_CLOSE_TRIMMED if tail.startswith("{%-") else BLOCK_CLOSE)
    else:
        opening, closing = USE_PREFIX, USE_SUFFIX
    if macro.body_start - len(opening) < max(line_start + 2, 4):
        raise ValueError(f"{macro.name}: its opening tag is too short for the lint wrapper")
    head = comment_over(text[: macro.body_start - len(opening)]) + opening
    new_tail = closing + comment_over(tail[len(closing) :])
    view = head + body + new_tail
    assert len(view) == len(text) and view.count("\n") == text.count("\n"), macro.name
    return view


def line_and_position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and position sqlfluff reports for a character offset of text (a violation
    inside templated text is reported where that text's placeholder ends)."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


class MacroLinter:
    def __init__(self) -> None:
        overrides = {"templater": "jinja"}
        base = FluffConfig.from_path(str(MACROS), overrides=overrides)
        excluded = [r.strip() for r in (base.get("exclude_rules") or "").split(",") if r.strip()]
        self.body_linters = {
            (dialect, fragment): Linter(
                config=FluffConfig.from_path(
                    str(MACROS),
                    overrides={
                        **overrides,
                        "dialect": dialect,
                        "ignore": "templating",
                        "exclude_rules": ",".join(
                            excluded + VIEW_EXCLUDED_RULES + (FRAGMENT_EXCLUDED_RULES if fragment else [])
                        ),
                    },
                )
            )
            for dialect in ("duckdb", "snowflake")
            for fragment in (False, True)
        }
        self.file_linter = Linter(
            config=FluffConfig.from_path(str(MACROS), overrides={**overrides, "rules": WHOLE_FILE_RULES})
        )

    def lint_body(self, path: Path, text: str, macro: Macro) -> LintedFile:
        body = text[macro.body_start : macro.body_end]
        prefix, suffix = wrapper(body)
        dialect = "snowflake" if macro.name.startswith("snowflake__") else "duckdb"
        linter = self.body_linters[(dialect, (prefix, suffix) in (EXPRESSION, TYPE, JOINS))]
        config = linter.config.copy()
        config.set_value(["templater", "jinja", "context", "_lp"], "")
        context = config.get_section(("templater", "jinja", "context"))
        configured = set(context) - {"_lp"}
        context["_lp"], context["_ls"] = prefix, suffix
        for name, value in DBT_MACRO_CONTEXT.items():
            context.setdefault(name, value)
        # The macro's arguments shadow dbt's builtins of their names (as in dbt): a literal default,
        # else a dummy that renders as the argument's name, unless macros/.sqlfluff gives a value.
        for name in macro.arguments:
            if name not in configured:
                context[name] = macro.defaults.get(name, DummyUndefined(name))
        return linter.lint_string(body_view(text, macro, prefix, suffix), fname=str(path), config=config)

    def lint_file(self, path: Path) -> tuple[list[str], int]:
        """Problems of one file (sorted), and how many macro bodies with SQL were linted."""
        text = path.read_text()
        rel = path.relative_to(PROJECT_ROOT).as_posix() if path.is_relative_to(PROJECT_ROOT) else str(path)
        found: set[tuple[int, int, str, str]] = set()
        problems: list[str] = []
        linted_bodies = 0
        for v in self.file_linter.lint_string(text, fname=str(path)).get_violations():
            found.add((v.line_no, v.line_pos, v.rule_code(), v.desc()))
        for macro in find_macros(text):
            if not sql_text(text[macro.body_start : macro.body_end]):
                continue  # Jinja only (it returns a value or runs a query): no SQL to lint
            try:
                linted = self.lint_body(path, text, macro)
            except ValueError as error:
                problems.append(f"{rel}: macro {macro.name}: could not be linted ({error})")
                continue
            if linted.tree is None:
                problems.append(f"{rel}: macro {macro.name}: its body could not be templated or parsed")
                continue
            linted_bodies += 1
            wrapper_positions = {
                line_and_position(text, offset)
                for start, end in [
                    (macro.body_start - PLACEHOLDER, macro.body_start + 1),
                    (macro.body_end, macro.body_end + PLACEHOLDER + 1),
                ]
                for offset in range(start, end)
            }
            for v in linted.get_violations():
                if (v.line_no, v.line_pos) in wrapper_positions and v.rule_code() == "LT02":
                    continue  # the layout of the wrapper's own (templated) SQL, not of the macro's text
                found.add((v.line_no, v.line_pos, v.rule_code(), v.desc()))
        problems += [f"{rel}:{line}:{pos}: {code} {desc}" for line, pos, code, desc in sorted(found)]
        return problems, linted_bodies


def macro_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for given in paths or [str(MACROS)]:
        path = Path(given).resolve()
        files += sorted(path.rglob("*.sql")) if path.is_dir() else [path]
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="macro files or folders (default: macros/)")
    args = parser.parse_args(argv)
    linter = MacroLinter()
    problems: list[str] = []
    bodies = 0
    files = macro_files(args.paths)
    for path in files:
        file_problems, linted = linter.lint_file(path)
        problems += file_problems
        bodies += linted
    for line in problems:
        print(line)
    print(f"macro lint: {len(files)} files, {bodies} macro bodies with SQL linted, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
