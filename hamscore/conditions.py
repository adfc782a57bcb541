"""``show_if`` conditions: a tiny language with its own parser. Nothing here calls ``eval``.

Grammar::

    expr := or ; or := and ("or" and)* ; and := not ("and" not)* ; not := "not" not | cmp
    cmp  := primary (("=="|"!="|"<"|"<="|">"|">="|"in") primary)?
    primary := number | "string" | 'string' | true | false | [literal, ...] | ident
             | answered(ident) | "(" expr ")"
    ident := a question id, or profile.<field>

At run time a question's value is its answer when it applies and is answered, otherwise *nothing*;
every comparison with nothing is false (``!=`` included), so ``not (q == "yes")`` is the way to say
"unless q is yes". Conditions are checked at load time (:func:`check`) and compiled to closures
(:func:`compile_condition`) that read a dict of values keyed by question id and ``profile.<field>``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias, TypeGuard

import msgspec

from hamscore.problems import Code

__all__ = [
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "PROFILE_FIELDS",
    "ConditionSyntaxError",
    "evaluate",
    "parse",
    "references",
]

MAX_LENGTH = 500
"""Longest condition in characters: a longer one is a sign the questionnaire needs restructuring."""
MAX_DEPTH = 12
"""Deepest nesting of ``not`` and parentheses."""

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "answered"})

SIZES = ("mikro", "kecil", "menengah", "besar")
SECTORS = tuple("ABCDEFGHIJKLMNOPQRSTU")
PROFILE_FIELDS: dict[str, str] = {
    "size": "size class per PP 7/2021: " + ", ".join(SIZES),
    "sector": "KBLI 2020 category letter A..U",
    "employees": "number of employees (a whole number)",
    "province": 'province code, e.g. "36"',
    "regency": 'regency or city code, e.g. "36.73"',
}

# ---------------------------------------------------------------------------------------------
# The syntax tree


class Node(msgspec.Struct, frozen=True):
    """Base of the syntax tree."""


class Lit(Node, frozen=True):
    value: str | int | float | bool


class ListLit(Node, frozen=True):
    items: tuple[str | int | float | bool, ...]


class Ref(Node, frozen=True):
    name: str  # a question id or "profile.<field>"


class Answered(Node, frozen=True):
    name: str


class Not(Node, frozen=True):
    arg: Node


class And(Node, frozen=True):
    args: tuple[Node, ...]


class Or(Node, frozen=True):
    args: tuple[Node, ...]


class Cmp(Node, frozen=True):
    op: str
    left: Node
    right: Node


BOOLEAN_NODES = (Not, And, Or, Cmp, Answered)


class ConditionSyntaxError(ValueError):
    """A condition that does not parse; carries a problem code and a hint."""

    def __init__(self, code: Code, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


# ---------------------------------------------------------------------------------------------
# Tokens and parser

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<string>"[^"]*"|'[^']*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>==|!=|<=|>=|<|>)
  | (?P<punct>[()\[\],])
    """,
    re.VERBOSE,
)

_Token: TypeAlias = tuple[str, str, int]  # kind, text, column (1-based)


def _tokens(source: str) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            ch = source[pos]
            hint = "close the string with the same quote" if ch in "\"'" else "remove or quote it"
            raise ConditionSyntaxError(
                Code.CONDITION_SYNTAX, f"unexpected character {ch!r} at column {pos + 1}", hint
            )
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append((kind, m.group(), pos + 1))
        pos = m.end()
    out.append(("end", "", len(source) + 1))
    return out


class _Parser:
    def __init__(self, source: str) -> None:
        self.toks = _tokens(source)
        self.i = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.toks[self.i]

    def take(self) -> _Token:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def is_word(self, word: str) -> bool:
        kind, txt, _ = self.peek()
        return kind == "name" and txt == word

    def expect(self, text: str, hint: str) -> None:
        kind, txt, col = self.take()
        if txt != text or kind == "string":
            raise ConditionSyntaxError(
                Code.CONDITION_SYNTAX, f"expected {text!r} at column {col}, found {_show(kind, txt)}", hint
            )

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionSyntaxError(
                Code.CONDITION_TOO_DEEP,
                f"condition nests deeper than {MAX_DEPTH} levels",
                "simplify it, or split the question so each condition stays short",
            )

    def parse(self) -> Node:
        node = self.or_()
        kind, txt, col = self.peek()
        if kind != "end":
            raise ConditionSyntaxError(
                Code.CONDITION_SYNTAX,
                f"unexpected {_show(kind, txt)} at column {col}",
                "join conditions with 'and' or 'or'",
            )
        return node

    def or_(self) -> Node:
        args = [self.and_()]
        while self.is_word("or"):
            self.take()
            args.append(self.and_())
        return args[0] if len(args) == 1 else Or(tuple(args))

    def and_(self) -> Node:
        args = [self.not_()]
        while self.is_word("and"):
            self.take()
            args.append(self.not_())
        return args[0] if len(args) == 1 else And(tuple(args))

    def not_(self) -> Node:
        if self.is_word("not"):
            self.take()
            self.deeper()
            node = Not(self.not_())
            self.depth -= 1
            return node
        return self.cmp()

    def cmp(self) -> Node:
        left = self.primary()
        kind, txt, _ = self.peek()
        if kind == "op" or (kind == "name" and txt == "in"):
            self.take()
            return Cmp(txt, left, self.primary())
        return left

    def primary(self) -> Node:
        kind, txt, col = self.take()
        if kind == "number":
            value = float(txt)
            return Lit(int(value) if value.is_integer() and "." not in txt and "e" not in txt.lower() else value)
        if kind == "string":
            return Lit(txt[1:-1])
        if kind == "punct" and txt == "(":
            self.deeper()
            node = self.or_()
            self.expect(")", "close every '(' with ')'")
            self.depth -= 1
            return node
        if kind == "punct" and txt == "[":
            return self.list_literal()
        if kind == "name":
            if txt in ("true", "false"):
                return Lit(txt == "true")
            if txt == "answered":
                self.expect("(", "write answered(question_id)")
                k2, name, c2 = self.take()
                if k2 != "name" or name in KEYWORDS:
                    raise ConditionSyntaxError(
                        Code.CONDITION_SYNTAX,
                        f"answered() needs a question id or profile.<field> at column {c2}",
                        "write answered(question_id)",
                    )
                self.expect(")", "write answered(question_id)")
                return Answered(_check_name(name, c2))
            if txt in KEYWORDS:
                raise ConditionSyntaxError(
                    Code.CONDITION_SYNTAX,
                    f"unexpected keyword {txt!r} at column {col}",
                    "put a value or a comparison here",
                )
            return Ref(_check_name(txt, col))
        raise ConditionSyntaxError(
            Code.CONDITION_SYNTAX,
            f"unexpected {_show(kind, txt)} at column {col}",
            "put a question id, a profile field or a literal here",
        )

    def list_literal(self) -> Node:
        items: list[str | int | float | bool] = []
        while True:
            kind, txt, col = self.peek()
            if kind == "punct" and txt == "]":
                self.take()
                return ListLit(tuple(items))
            node = self.primary()
            if not isinstance(node, Lit):
                raise ConditionSyntaxError(
                    Code.CONDITION_SYNTAX,
                    f"a list may hold only literals (column {col})",
                    'write the values themselves, e.g. ["kecil", "mikro"]',
                )
            items.append(node.value)
            kind, txt, col = self.peek()
            if kind == "punct" and txt == ",":
                self.take()
            elif not (kind == "punct" and txt == "]"):
                raise ConditionSyntaxError(
                    Code.CONDITION_SYNTAX,
                    f"expected ',' or ']' at column {col}, found {_show(kind, txt)}",
                    "separate list items with commas and close the list with ']'",
                )


def _show(kind: str, txt: str) -> str:
    return "the end of the condition" if kind == "end" else repr(txt)


def _check_name(name: str, col: int) -> str:
    if "." in name:
        head, _, rest = name.partition(".")
        if head != "profile" or "." in rest:
            raise ConditionSyntaxError(
                Code.CONDITION_SYNTAX,
                f"{name!r} at column {col}: only profile.<field> may contain a dot",
                "question ids have no dots; profile fields are " + ", ".join(PROFILE_FIELDS),
            )
    return name


def parse(source: str) -> Node:
    """Parse a condition into its syntax tree, or raise :class:`ConditionSyntaxError`.

    >>> parse('profile.size in ["mikro", "kecil"] and not answered(q1)')
    And(args=(Cmp(op='in', left=Ref(name='profile.size'), right=ListLit(items=('mikro', 'kecil'))), \
Not(arg=Answered(name='q1'))))
    """
    if len(source) > MAX_LENGTH:
        raise ConditionSyntaxError(
            Code.CONDITION_TOO_LONG,
            f"condition is {len(source)} characters long, more than {MAX_LENGTH}",
            "shorten it, for instance by asking a filter question whose answer other questions test",
        )
    if not source.strip():
        raise ConditionSyntaxError(
            Code.CONDITION_SYNTAX, "condition is empty", "remove show_if, or write a condition"
        )
    return _Parser(source).parse()


def references(node: Node) -> list[str]:
    """Names (question ids and ``profile.<field>``) a condition reads, in order of appearance."""
    if isinstance(node, Ref | Answered):
        return [node.name]
    if isinstance(node, Not):
        return references(node.arg)
    if isinstance(node, And | Or):
        return [name for arg in node.args for name in references(arg)]
    if isinstance(node, Cmp):
        return references(node.left) + references(node.right)
    return []


# ---------------------------------------------------------------------------------------------
# Evaluation: the reference semantics, used by the scorer through compiled closures

NOTHING: Any = object()
Values: TypeAlias = Mapping[str, Any]
Compiled: TypeAlias = Callable[[Values], bool]


def _is_number(x: Any) -> TypeGuard[int | float]:
    return type(x) is int or type(x) is float


def _equal(a: Any, b: Any) -> bool:
    if type(a) is str:
        return type(b) is str and a == b
    if _is_number(a):
        return _is_number(b) and a == b
    return False


def _value(node: Node, vals: Values) -> Any:
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, ListLit):
        return list(node.items)
    if isinstance(node, Ref):
        return vals.get(node.name, NOTHING)
    return NOTHING


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is NOTHING or right is NOTHING or left is None or right is None:
        return False
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        same_kind = (type(left) is str and type(right) is str) or (_is_number(left) and _is_number(right))
        return same_kind and left != right
    if op == "in":
        if type(right) is not list:
            return False
        if type(left) is list:
            return False
        return any(_equal(left, item) for item in right)
    if not (_is_number(left) and _is_number(right)):
        return False
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


def evaluate(node: Node, vals: Values) -> bool:
    """Evaluate a condition against values keyed by question id and ``profile.<field>``.

    A key that is absent (or ``None``) is *nothing*. This is the plain interpreter; the scorer
    uses the equivalent closures from :func:`compile_condition`.

    >>> evaluate(parse('q1 != "ya"'), {})
    False
    >>> evaluate(parse('not (q1 == "ya")'), {})
    True
    """
    if isinstance(node, Or):
        return any(evaluate(arg, vals) for arg in node.args)
    if isinstance(node, And):
        return all(evaluate(arg, vals) for arg in node.args)
    if isinstance(node, Not):
        return not evaluate(node.arg, vals)
    if isinstance(node, Answered):
        return vals.get(node.name) is not None
    if isinstance(node, Cmp):
        return _compare(node.op, _value(node.left, vals), _value(node.right, vals))
    return False  # a bare value is not a condition; the loader refuses it


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def compile_condition(node: Node) -> Compiled:
    """Turn a checked syntax tree into a closure with the same meaning as :func:`evaluate`.

    The common shapes (a reference compared with a literal) get specialised closures because the
    scorer calls them for every question of every submission.
    """
    if isinstance(node, Or):
        fns = [compile_condition(arg) for arg in node.args]
        return _fold(fns, conj=False)
    if isinstance(node, And):
        fns = [compile_condition(arg) for arg in node.args]
        return _fold(fns, conj=True)
    if isinstance(node, Not):
        inner = compile_condition(node.arg)
        return lambda v: not inner(v)
    if isinstance(node, Answered):
        name = node.name
        return lambda v: v.get(name) is not None
    if isinstance(node, Cmp):
        return _compile_cmp(node)
    return lambda v: False


def _fold(fns: list[Compiled], *, conj: bool) -> Compiled:
    fn = fns[0]
    for nxt in fns[1:]:
        fn = _and(fn, nxt) if conj else _or(fn, nxt)
    return fn


def _and(a: Compiled, b: Compiled) -> Compiled:
    return lambda v: a(v) and b(v)


def _or(a: Compiled, b: Compiled) -> Compiled:
    return lambda v: a(v) or b(v)


def _compile_cmp(node: Cmp) -> Compiled:
    op, left, right = node.op, node.left, node.right
    if op != "in" and isinstance(left, Lit) and isinstance(right, Ref):
        op, left, right = _FLIP[op], right, left
    if isinstance(left, Ref) and isinstance(right, Lit):
        name, c = left.name, right.value
        if type(c) is str:
            if op == "==":
                return lambda v: v.get(name) == c  # a non-string never equals a string
            if op == "!=":
                return lambda v: type(x := v.get(name)) is str and x != c
        elif isinstance(c, int | float) and type(c) is not bool and not math.isnan(c):
            return _number_cmp(name, op, c)
    if isinstance(left, Ref) and isinstance(right, ListLit) and op == "in":
        name, items = left.name, right.items
        if all(type(i) is str for i in items):
            strings = frozenset(items)
            return lambda v: type(x := v.get(name)) is str and x in strings
        if all(_is_number(i) for i in items):
            numbers = frozenset(items)
            return lambda v: _is_number(x := v.get(name)) and x in numbers
    if isinstance(left, Lit) and type(left.value) is str and isinstance(right, Ref) and op == "in":
        name, c = right.name, left.value
        return lambda v: type(x := v.get(name)) is list and c in x
    return lambda v: _compare(op, _value(left, v), _value(right, v))


def _number_cmp(name: str, op: str, c: float) -> Compiled:
    # One closure per operator keeps the hot path free of a dispatch on `op`.
    if op == "==":
        return lambda v: _is_number(x := v.get(name)) and x == c
    if op == "!=":
        return lambda v: _is_number(x := v.get(name)) and x != c
    if op == "<":
        return lambda v: _is_number(x := v.get(name)) and x < c
    if op == "<=":
        return lambda v: _is_number(x := v.get(name)) and x <= c
    if op == ">":
        return lambda v: _is_number(x := v.get(name)) and x > c
    if op == ">=":
        return lambda v: _is_number(x := v.get(name)) and x >= c
    return lambda v: False  # `in` with a number on the right: never true
