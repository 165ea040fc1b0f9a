"""Safe mode: run a Python config's statements with cfgkit's own interpreter, never ``exec``.

Configs are data written in Python. This module evaluates the part of Python they use —
literals, names, ``dict()``/``list()``/``tuple()``/``set()``, arithmetic, comparisons, boolean
logic, string operations and f-strings, subscripts and slices, comprehensions, conditional
expressions, ``if`` and ``for`` at the top level, in-place edits of containers and an
allow-list of pure builtins, methods and ``copy`` functions — from the ``ast`` tree. Anything
else raises :class:`~cfgkit.errors.UnsafeConfigError` naming the file, line and construct
before it can have an effect: other callables, attributes that are not keys or allowed
methods (so no ``__class__``, ``gi_frame`` or ``__traceback__`` walk), function calls,
decorators, ``'{0.__class__}'.format(x)``, and unbounded work (every node evaluated counts
against a budget; integers, strings and sequences have a size limit checked before they are
built).

Values come in from outside only as data: dicts (``ConfigDict`` of the bases), lists,
tuples, scalars and lazy references (:mod:`cfgkit.config.lazy`), whose only attribute is
another lazy reference. Imports of anything but ``copy`` bind lazy references, never
imported.
"""

from __future__ import annotations

import _thread
import builtins
import contextlib
import copy
import itertools
import string
import sys

from cfgkit._escaping import clipped
from cfgkit._keys import BASE_KEY
from cfgkit._lazy_modules import lazy_module, lazy_pattern
from cfgkit._located import located
from cfgkit.config._load.loader_names import LOADER_NAMES, provides
from cfgkit.config._load.value_size import MAX_DEPTH, MAX_SIZE, SizeLimitError, expanded_size
from cfgkit.config.config_dict import ConfigDict, deferred_building
from cfgkit.config.lazy import LazyAttr, LazyObject
from cfgkit.errors import UnsafeConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from typing import Any, Callable, Iterator, Optional, Union

    from cfgkit._contracts import T, ValueT
else:
    ast = lazy_module("ast")  # lazy: see cfgkit._lazy_modules

__all__ = [
    "DROPPED",
    "MAX_DEPTH",
    "MAX_SIZE",
    "check_result",
    "evaluate",
    "load_budget",
    "measure_once",
    "run_module",
]

MAX_STEPS = 5_000_000  # units of work per file: nodes evaluated, loop iterations, and...
BYTES_PER_STEP = 64  # ...one more for every 64 bytes (or size units) an operation touches
MAX_ITEMS = 1_000_000  # characters of a string, items of a sequence or mapping
MAX_DIGITS = 4300  # of a string int() converts (Python 3.11's own limit; 3.9 has none)
MAX_INT_BITS = 1 << 16  # bits of an integer (about 19,700 digits)
MAX_NDIGITS = 20_000  # round()'s second argument, either way (10**MAX_NDIGITS is huge)
# How many characters of a string search (`count`, `find`, `in`, `replace`, `split`) may
# compare for each character searched: the needle's length, at most 100 where CPython's
# search switches to a linear algorithm for long needles (3.10+).
_SEARCH_FACTOR_CAP = 100 if sys.version_info >= (3, 10) else MAX_ITEMS


class SafeFunction:
    """What a ``def`` or ``class`` statement binds in safe mode: calling it is refused, and
    like a function it is left out of the config."""

    def __init__(self, name: str, lineno: int) -> None:
        self.name = name
        self.lineno = lineno

    def __repr__(self) -> str:
        return f"<{self.name}, defined at line {self.lineno}: not run in safe mode>"


class LazyModule(LazyObject):
    """What ``import x`` binds in safe mode: a lazy reference that, like the module a normal
    load binds, is left out of the config."""


class _SafeModule:
    """A standard-library module safe mode offers (``copy``), with its allowed functions."""

    def __init__(self, name: str, functions: dict[str, Callable[..., object]]) -> None:
        self.name = name
        self.functions = functions


def _deepcopy(value: object, memo: object = None) -> object:
    return copy.deepcopy(value)


_MODULES = {"copy": _SafeModule("copy", {"deepcopy": _deepcopy, "copy": copy.copy})}
# What safe mode binds that a config's result leaves out, as it leaves out functions and
# modules.
DROPPED = (SafeFunction, _SafeModule, LazyModule)


def _sum(iterable: object, /, start: object = 0) -> object:
    """``sum``, linear where the builtin is quadratic: sequences are joined once, not copied
    at every item (``sum(lists, [])``)."""
    items: list[Any] = list(iterable)  # type: ignore[call-overload]  # list() checks it
    if not isinstance(start, (list, tuple)):
        return sum(items, start)  # type: ignore[call-overload]  # sum() checks start
    kind = type(start)
    joined = list(start)
    for item in items:
        if type(item) is not kind:
            name = kind.__name__
            raise TypeError(f'can only concatenate {name} (not "{type(item).__name__}") to {name}')
        _charge(len(item) // 8)
        joined.extend(item)
        _check_size(joined)
    return kind(joined)


def _round(number: object, ndigits: object = None) -> object:
    if isinstance(ndigits, int) and abs(ndigits) > MAX_NDIGITS:
        raise _Refused(f"round() to {ndigits} digits (more than {MAX_NDIGITS} either way)")
    if isinstance(ndigits, int) and isinstance(number, int):
        # Rounding an integer divides it by 10**-ndigits.
        _charge((abs(ndigits) // 9 + 1) * (number.bit_length() // 30 + 1) // 64)
    # round() checks its arguments' types, as in a normal load.
    return round(number) if ndigits is None else round(number, ndigits)  # type: ignore[call-overload]


def _divmod(left: object, right: object) -> object:
    if isinstance(left, int) and isinstance(right, int):
        _charge_arithmetic("FloorDiv", left, right)
    return divmod(left, right)  # type: ignore[operator]  # divmod() checks them


def _sized_range(*args: object) -> range:
    result: range = range(*args)  # type: ignore[call-overload]  # range() checks them
    if len(result) > MAX_ITEMS:
        raise _Refused(f"range() of {len(result)} numbers (more than {MAX_ITEMS})")
    return result


def _int(*args: object, **kwargs: object) -> int:
    if args and isinstance(args[0], (str, bytes)) and len(args[0]) > MAX_DIGITS:
        raise _Refused(f"int() of a string of more than {MAX_DIGITS} digits")
    return int(*args, **kwargs)  # type: ignore[call-overload, no-any-return]  # int() checks


_BUILTINS: dict[str, Any] = {
    name: getattr(builtins, name)
    for name in (
        "dict", "list", "tuple", "set", "frozenset", "len", "sum", "min", "max", "abs",
        "round", "int", "float", "str", "bool", "enumerate", "zip", "sorted", "reversed",
        "any", "all", "isinstance", "divmod", "repr", "ord", "chr",
    )
}  # fmt: skip
_BUILTINS.update(range=_sized_range, sum=_sum, round=_round, divmod=_divmod, int=_int)
# Builtins whose work is linear in the length of their arguments, never in what the items
# hold (no comparison, hash or text of an item): their arguments are not walked.
_SHALLOW_BUILTINS = frozenset(
    id(_BUILTINS[name])
    for name in ("len", "isinstance", "range", "enumerate", "zip", "reversed", "list", "tuple",
                 "bool", "any", "all", "abs", "ord", "chr", "divmod", "int", "float", "round")
)  # fmt: skip
_CALLABLE_IDS = frozenset(id(f) for f in (*_BUILTINS.values(), _deepcopy, copy.copy))
_SIZED = (str, bytes, list, tuple, dict, set, frozenset)
_CONSTANTS = {"True": True, "False": False, "None": None, "Ellipsis": ...}
_CONVERSIONS: dict[int, Callable[[object], str]] = {ord("r"): repr, ord("s"): str, ord("a"): ascii}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split(" "))


# Methods by the type that has them; a bound method of one of these is all a call may reach.
_METHODS: dict[type, frozenset[str]] = {
    str: _words(
        "capitalize casefold center count endswith expandtabs find format index isalnum "
        "isalpha isascii isdecimal isdigit isidentifier islower isnumeric isspace istitle "
        "isupper join ljust lower lstrip partition removeprefix removesuffix replace rfind "
        "rindex rjust rpartition rsplit rstrip split splitlines startswith strip swapcase "
        "title upper zfill"
    ),
    list: _words("append clear copy count extend index insert pop remove reverse sort"),
    tuple: _words("count index"),
    dict: _words("clear copy get items keys pop popitem setdefault update values"),
    set: _words(
        "add clear copy difference discard intersection isdisjoint issubset issuperset pop "
        "remove symmetric_difference union update"
    ),
    frozenset: _words("copy difference intersection isdisjoint issubset union"),
    int: _words("bit_length"),
    float: _words("is_integer"),
    ConfigDict: _words("merge"),  # mmengine's deep merge, on data
}
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


class _Refused(Exception):
    """A construct safe mode does not run; becomes an UnsafeConfigError with the line."""


# The interpreter running on this thread, charged by the operations below for their work.
_LOCAL = _thread._local()
_STEPS_MESSAGE = (
    f"more than {MAX_STEPS:,} steps (a runaway loop or comprehension, or much work on big values)"
)


def _charge(steps: int) -> None:
    """Charge ``steps`` units of work to the running interpreter, before the work is done."""
    if not steps:  # the common case: a small value
        return
    interpreter = getattr(_LOCAL, "interpreter", None)
    if interpreter is not None:
        interpreter.steps += steps
        if interpreter.steps > MAX_STEPS:
            raise _Refused(_STEPS_MESSAGE)


_SCALARS = frozenset({bool, float, complex, type(None), type(...)})
# What a value past expanded_size's limits is refused as, by SizeLimitError.reason: a value an
# operation walks (after what the operation is), and a config's result (see _check_total).
_PAST_WALK_LIMIT = {
    "depth": f" a value nested more than {MAX_DEPTH} deep (or that contains itself)",
    "size": f" a value whose expanded size is more than {MAX_SIZE:,} (shared parts counted "
    "wherever they appear)",
}
_PAST_RESULT_LIMIT = {
    "depth": f"a config whose values nest more than {MAX_DEPTH} deep (or contain themselves)",
    "size": f"a config whose expanded size is more than {MAX_SIZE:,} (about a million values "
    "or 64 MB of text; shared parts counted wherever they appear)",
}


def _walked(what: str, *values: object) -> int:
    """Charge what walking ``values`` as trees costs (a comparison, a hash, ``str()``, a
    deep copy, a merge), refusing values too big or deep to walk; return their size.

    Shared parts count wherever they appear (``t = (t, t)`` 64 times is 2**64 values),
    so a walk in C can never do more than this charged for."""
    total = 0
    walked: tuple[Any, ...] = values  # narrowed by the exact-type tests (the fast path)
    for value in walked:
        kind = type(value)
        if kind in _SCALARS:
            total += 24
        elif kind is str:
            total += len(value) + 2
            if len(value) > 256:
                _charge(len(value) // BYTES_PER_STEP)
        elif kind is int and value.bit_length() <= 256:
            total += 80
        elif kind is range:  # `x in range(...)` compares with every number unless x is an int
            _charge(len(value) // 8)
            total += len(value)
        else:
            try:
                size, visited = expanded_size(value)
            except SizeLimitError as error:
                raise _Refused(what + _PAST_WALK_LIMIT[error.reason]) from None
            _charge(visited + size // BYTES_PER_STEP)
            total += size
    return total


def _hashed(key: T) -> T:
    """A key about to be hashed: a tuple or frozenset is walked first (its hash walks it)."""
    if type(key) in (tuple, frozenset):
        _walked("hashing", key)
    return key


def _produced(result: T) -> T:
    """A value an operation has just built: bounded (see :func:`_check_size`), and charged
    by its own size (a slice, a concatenation, a string method's result), so that many
    values each in bounds cannot add up to gigabytes."""
    value: Any = result  # narrowed by the exact-type tests below (the fast path)
    kind = type(value)
    if kind is str or kind is bytes:
        _charge(len(value) // BYTES_PER_STEP)
    elif kind is int:
        _charge(value.bit_length() // (8 * BYTES_PER_STEP))
    elif kind is list or kind is tuple or kind is dict or kind is set or kind is frozenset:
        _charge(len(value) // 8)
    return _check_size(result)


def _searched(owner: str, needle: object) -> None:
    """Charge a string search of ``needle`` in ``owner`` (which may compare many characters
    for each one it passes)."""
    if len(owner) > 256:
        factor = min(len(needle), _SEARCH_FACTOR_CAP) if isinstance(needle, str) else 1
        _charge(len(owner) * max(factor, 1) // BYTES_PER_STEP)


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


_CONSTANT: Any = None  # ast.Constant and ast.Name, set on first use (ast is imported lazily)
_NAME: Any = None


def run_module(module: ast.Module, namespace: dict[str, object], filename: str) -> None:
    """Run a config module's statements in ``namespace``, as ``exec`` would.

    Raises:
        UnsafeConfigError: A construct outside safe mode's subset, or too much work.
        ConfigError: The config raised, as in a normal load (also the original type).
    """
    with _running(namespace, filename) as interpreter:
        with deferred_building():  # a lazy reference read from a ConfigDict stays unbuilt
            interpreter.run(module.body)
        # `_base_` holds the bases, measured and charged when they were loaded.
        kept = {k: v for k, v in namespace.items() if k != BASE_KEY}
        interpreter.guarded(kept, _check_total)


def evaluate(expression: ast.expr, namespace: dict[str, object], filename: str) -> object:
    """Evaluate one expression (a ``_base_`` list) in ``namespace``."""
    with _running(namespace, filename) as interpreter:
        result = interpreter.guarded(expression, interpreter.value)
        interpreter.guarded(result, _check_total)
        return result


@contextlib.contextmanager
def _running(namespace: dict[str, object], filename: str) -> Iterator[_Interpreter]:
    """An interpreter charged on this thread while it runs, continuing the load's budget."""
    global _CONSTANT, _NAME
    _CONSTANT, _NAME = ast.Constant, ast.Name
    interpreter = _Interpreter(namespace, filename)
    previous = getattr(_LOCAL, "interpreter", None)
    budget = getattr(_LOCAL, "budget", None)  # the same when it ends: budgets nest
    if budget is not None:
        interpreter.steps = budget.steps
    _LOCAL.interpreter = interpreter
    try:
        yield interpreter
    finally:
        if budget is not None:
            budget.steps = interpreter.steps
        _LOCAL.interpreter = previous


def measure_once() -> None:
    """Remember, for the rest of the load, the expanded size of every container measured
    in a file's result, so that later files and the check of the whole result
    (:func:`check_result`) walk only what is new.

    Only for a classic chain: each file's result is left alone afterwards (merging copies
    along the paths it changes, a file that reads ``_base_`` gets a copy of its bases). In a
    pure-Python chain a file changes the values of the bases it imports in place, so a
    remembered size could be stale there.
    """
    budget = getattr(_LOCAL, "budget", None)
    if budget is not None and budget.measured is None:
        budget.measured = {}


class load_budget:
    """Share one budget of :data:`MAX_STEPS` between every file a load interprets, so that
    a chain of many bases, each just under a file's limit, is bounded as a whole.

    The outermost one is that budget: the steps spent so far, and the expanded sizes of the
    trees its files kept, when those are never changed again (see :func:`measure_once`).

    Examples:
        >>> with load_budget():  # doctest: +SKIP
        ...     Config.fromfile('untrusted.py', safe=True)
    """

    def __enter__(self) -> None:
        self.previous = getattr(_LOCAL, "budget", None)
        if self.previous is None:  # a nested load (a base) continues the outer budget
            self.steps = 0
            self.measured: Optional[dict[int, tuple[int, int, object]]] = None
            _LOCAL.budget = self

    def __exit__(self, *exc_info: object) -> None:
        _LOCAL.budget = self.previous


def check_result(tree: object, filename: str) -> None:
    """Refuse a loaded tree whose expanded size or depth is past safe mode's bounds, before
    the ``ConfigDict`` conversion and everything after it walk it.

    Raises:
        UnsafeConfigError: Naming ``filename``.
    """
    try:
        _check_total(tree)
    except _Refused as refused:
        raise UnsafeConfigError(f"Safe mode does not load {refused}", filename=filename) from None


# Expression node types to the interpreter's methods, filled as they are met.
_EXPRESSION_HANDLERS: dict[type, Callable[..., Any]] = {}


class _Interpreter:
    def __init__(self, namespace: dict[str, object], filename: str) -> None:
        self.namespace = namespace
        self.filename = filename
        self.steps = 0
        self.scopes: list[dict[str, object]] = []  # comprehension variables, innermost last
        self.line = 0

    # -- running ------------------------------------------------------------------------

    def run(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.guarded(statement, self.statement)

    def guarded(self, node: T, action: Callable[[T], ValueT]) -> ValueT:
        try:
            return action(node)
        except (_Break, _Continue, UnsafeConfigError):
            raise
        except (_Refused, RecursionError) as error:
            what = error if isinstance(error, _Refused) else "an expression nested this deeply"
            raise UnsafeConfigError(
                f"Safe mode does not run {what}", filename=self.filename, lineno=self.line
            ) from None
        except Exception as error:
            if getattr(error, "filename", None) and type(error).__module__.startswith("cfgkit"):
                raise
            raise located(error, self.filename, self.line) from error

    def step(self, node: Union[ast.stmt, ast.expr, None]) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _Refused(_STEPS_MESSAGE)
        if node is not None:
            self.line = node.lineno

    def statement(self, node: ast.stmt) -> None:
        self.step(node)
        handler = getattr(self, f"do_{type(node).__name__}", None)
        if handler is None:
            raise _Refused(f"the statement `{_describe(node)}`")
        handler(node)

    def do_Expr(self, node: ast.Expr) -> None:
        self.value(node.value)

    def do_Pass(self, node: ast.Pass) -> None:
        pass

    def do_Assign(self, node: ast.Assign) -> None:
        value = self.value(node.value)
        for target in node.targets:
            self.store(target, value)

    def do_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.store(node.target, self.value(node.value))

    def do_AugAssign(self, node: ast.AugAssign) -> None:
        current = self.value(node.target)  # read as it is: no evaluation looks at a ctx
        operand = self.value(node.value)
        self.store(node.target, _binary(node.op, current, operand, in_place=True))

    def do_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                if target.id not in self.namespace:
                    self.missing(target.id)
                del self.namespace[target.id]
            elif isinstance(target, ast.Subscript):
                container: Any = self.value(target.value)  # a dict or a list, checked next
                _check_container(container, "del")
                del container[self.subscript(target.slice)]
            elif isinstance(target, ast.Attribute):
                owner = self.value(target.value)
                if not isinstance(owner, dict):
                    raise _Refused(f"deleting the attribute `{target.attr}`")
                del owner[target.attr]
            else:  # a tuple or list of targets
                self.do_Delete(ast.Delete(targets=getattr(target, "elts", [])))

    def do_If(self, node: ast.If) -> None:
        self.run(node.body if self.value(node.test) else node.orelse)

    def do_For(self, node: ast.For) -> None:
        for item in self.iterate(self.value(node.iter)):
            self.step(node)
            self.store(node.target, item)
            if not self.loop_body(node.body):
                break
        else:
            self.run(node.orelse)

    def do_While(self, node: ast.While) -> None:
        while self.value(node.test):
            self.step(node)
            if not self.loop_body(node.body):
                break
        else:
            self.run(node.orelse)

    def loop_body(self, body: list[ast.stmt]) -> bool:
        """Run one iteration; False when it ends the loop with ``break``."""
        try:
            self.run(body)
        except _Break:
            return False
        except _Continue:
            pass
        return True

    def do_Break(self, node: ast.Break) -> None:
        raise _Break

    def do_Continue(self, node: ast.Continue) -> None:
        raise _Continue

    def do_Assert(self, node: ast.Assert) -> None:
        if not self.value(node.test):
            message = self.value(node.msg) if node.msg is not None else None
            if message is None:
                raise AssertionError
            # The message becomes text in the error: bounded like any other str().
            if _walked("a message of", message) > MAX_ITEMS:
                raise _Refused(f"an assert message of more than {MAX_ITEMS:,} characters")
            raise AssertionError(message)

    def do_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name in _MODULES:
                self.namespace[alias.asname or alias.name] = _MODULES[alias.name]
            else:  # `import a.b` binds `a`, `import a.b as c` binds `a.b`
                module = alias.name if alias.asname else alias.name.split(".")[0]
                lazy = LazyModule(module, location=self.where(), inert=True)
                self.namespace[alias.asname or module] = lazy

    def do_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                raise _Refused(f"`from {module} import *`")
            name = alias.asname or alias.name
            if module in _MODULES and alias.name in _MODULES[module].functions:
                self.namespace[name] = _MODULES[module].functions[alias.name]
            elif provides(module, [alias.name]):  # never a relative module (its leading dots)
                self.namespace[name] = LOADER_NAMES[alias.name]
            else:
                self.namespace[name] = LazyObject(module, alias.name, self.where(), inert=True)

    def do_FunctionDef(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> None:
        """Bind what calling refuses; run what Python runs at definition time: the default
        values, in order. Annotations are not evaluated: a normal load compiles configs
        with postponed annotations (``from __future__ import annotations``)."""
        if node.decorator_list:
            raise _Refused(f"the decorator of `{node.name}` (a call)")
        for default in (*node.args.defaults, *node.args.kw_defaults):
            if default is not None:
                self.value(default)
        self.bind(node.name, SafeFunction(node.name, node.lineno))

    do_AsyncFunctionDef = do_FunctionDef

    def do_ClassDef(self, node: ast.ClassDef) -> None:
        """Refused: a normal load runs the class body when the class is defined and keeps
        the class itself in the config; safe mode cannot make a class without running
        code, and any stand-in would load a different result."""
        raise _Refused(
            f"the class `{node.name}` (a normal load runs its body and keeps the class in the "
            "config)"
        )

    def bind(self, name: str, value: object) -> None:
        scope = self.scopes[-1] if self.scopes else self.namespace
        scope[name] = value

    def where(self) -> str:
        return f"{self.filename}, line {self.line}"

    # -- names and stores ---------------------------------------------------------------

    def missing(self, name: str) -> object:
        if name == "__name__":
            # What `exec` gives a config, whose namespace has no `__name__`: the builtins
            # module's, so `if __name__ == '__main__':` blocks in configs are skipped.
            return "builtins"
        if name.startswith("__"):
            raise _Refused(f"the name `{name}` (Python's own, not a config variable)")
        if hasattr(builtins, name):
            raise _Refused(f"the builtin `{name}`")
        raise NameError(f"name '{name}' is not defined")

    def load(self, name: str) -> object:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in self.namespace:
            return self.namespace[name]
        if name in _BUILTINS:
            return _BUILTINS[name]
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        return self.missing(name)

    def store(self, target: ast.expr, value: object) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = list(self.iterate(value))
            starred = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Starred)]
            if starred:  # the starred target takes what the others leave, as a list
                index, end = starred[0], len(items) - (len(target.elts) - starred[0] - 1)
                items = [*items[:index], items[index:end], *items[end:]]
            elif len(items) != len(target.elts):
                raise ValueError(f"expected {len(target.elts)} values to unpack, got {len(items)}")
            for element, item in zip(target.elts, items):
                self.store(element.value if isinstance(element, ast.Starred) else element, item)
        elif isinstance(target, ast.Subscript):
            container: Any = self.value(target.value)  # a dict or a list, checked next
            _check_container(container, "assignment to an item of")
            key = self.subscript(target.slice)
            if isinstance(container, dict):
                _hashed(key)
                if isinstance(container, ConfigDict):  # converts the value, walking it
                    _walked("storing", value)
            container[key] = value
            _check_size(container)
        elif isinstance(target, ast.Attribute):
            owner = self.value(target.value)
            if not isinstance(owner, dict) or target.attr.startswith("__"):
                raise _Refused(f"setting the attribute `{target.attr}` of {_kind(owner)}")
            if isinstance(owner, ConfigDict):  # converts the value, walking it
                _walked("storing", value)
            owner[target.attr] = value  # a ConfigDict's attributes are its keys
        else:
            raise _Refused(f"assigning to `{_describe(target)}`")

    # -- expressions --------------------------------------------------------------------

    def value(self, node: ast.expr) -> object:
        # The hot path of a load: step() inlined, constants and names answered directly.
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _Refused(_STEPS_MESSAGE)
        self.line = node.lineno
        kind = type(node)
        if kind is _CONSTANT:
            # An ast.Constant: exact-type tests (the fast path) narrow nothing for mypy.
            return node.value  # type: ignore[attr-defined]
        if kind is _NAME:
            # An ast.Name, as above.
            name = node.id  # type: ignore[attr-defined]
            if not self.scopes and name in self.namespace:
                return self.namespace[name]
            return self.load(name)
        handler = _EXPRESSION_HANDLERS.get(kind)
        if handler is None:
            handler = getattr(_Interpreter, f"on_{type(node).__name__}", None)
            if handler is None:
                raise _Refused(f"the expression `{_describe(node)}`")
            _EXPRESSION_HANDLERS[type(node)] = handler
        return handler(self, node)

    def on_List(self, node: ast.List) -> object:
        return _check_size(self.elements(node.elts))

    def on_Tuple(self, node: ast.Tuple) -> object:
        return tuple(self.elements(node.elts))

    def on_Set(self, node: ast.Set) -> object:
        return set(map(_hashed, self.elements(node.elts)))

    def elements(self, nodes: list[ast.expr], bounded: bool = True) -> list[object]:
        """The values of a display's elements (or, not ``bounded`` in size, of a call's
        positional arguments), each ``*iterable`` spread."""
        items: list[object] = []
        for element in nodes:
            if isinstance(element, ast.Starred):
                items.extend(self.iterate(self.value(element.value)))
            else:
                items.append(self.value(element))
            if bounded:
                _check_size(items)
        return items

    def on_Dict(self, node: ast.Dict) -> object:
        result: dict[object, object] = {}
        for key, item in zip(node.keys, node.values):
            if key is None:
                spread = self.value(item)
                if not isinstance(spread, dict):
                    raise TypeError(f"'{type(spread).__name__}' object is not a mapping")
                _charge(len(spread) // 8)
                result.update(spread)
            else:
                result[_hashed(self.value(key))] = self.value(item)
        return _check_size(result)

    def on_BinOp(self, node: ast.BinOp) -> object:
        return _binary(node.op, self.value(node.left), self.value(node.right))

    def on_UnaryOp(self, node: ast.UnaryOp) -> object:
        operand: Any = self.value(node.operand)  # data, checked next; the operator checks it
        _check_data("an operator on", operand)
        if isinstance(node.op, ast.Not):
            return not operand
        return _produced(_UNARY_OPERATORS[type(node.op).__name__](operand))

    def on_BoolOp(self, node: ast.BoolOp) -> object:
        is_or = isinstance(node.op, ast.Or)
        for operand in node.values[:-1]:
            result = self.value(operand)
            if bool(result) is is_or:  # `or` stops at a true value, `and` at a false one
                return result
        return self.value(node.values[-1])

    def on_Compare(self, node: ast.Compare) -> object:
        left = self.value(node.left)
        for operator, right_node in zip(node.ops, node.comparators):
            right = self.value(right_node)
            _check_data("a comparison of", left, right)
            _compared(operator, left, right)
            if not _COMPARISONS[type(operator).__name__](left, right):
                return False
            left = right
        return True

    def on_IfExp(self, node: ast.IfExp) -> object:
        return self.value(node.body if self.value(node.test) else node.orelse)

    def on_JoinedStr(self, node: ast.JoinedStr) -> str:
        """An f-string: each field's width is charged before it is formatted, against what
        is left of the whole string's bound (many fields each in bounds are not)."""
        parts = []
        total = 0
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                text = self.formatted(part, MAX_ITEMS - total)
            else:
                text = str(self.value(part))
            total += len(text)
            parts.append(text)
        return _produced("".join(parts))

    def formatted(self, node: ast.FormattedValue, room: int) -> str:
        value = self.value(node.value)
        _check_data("formatting", value)
        spec = "" if node.format_spec is None else str(self.value(node.format_spec))  # a str
        if _walked("formatting", value) + _spec_width(spec) > room:
            raise _Refused(f"formatting text of more than {MAX_ITEMS:,} characters")
        convert = _CONVERSIONS.get(node.conversion)  # `!r`, `!s`, `!a`, or none
        return _produced(format(value if convert is None else convert(value), spec))

    def on_Subscript(self, node: ast.Subscript) -> object:
        container: Any = self.value(node.value)  # data, checked next; indexing checks it
        _check_data("indexing", container)
        key = self.subscript(node.slice)
        if isinstance(key, slice):
            return _produced(container[key])
        if isinstance(container, dict):
            _hashed(key)
        return container[key]

    def subscript(self, node: ast.expr) -> object:
        """A subscript's key: a slice there is not charged a step of its own."""
        return self.on_Slice(node) if isinstance(node, ast.Slice) else self.value(node)

    def on_Slice(self, node: ast.Slice) -> object:  # also in a tuple: `a[1:2, 3]`
        bounds = (node.lower, node.upper, node.step)
        return slice(*(None if p is None else self.value(p) for p in bounds))

    def on_Attribute(self, node: ast.Attribute) -> object:
        owner = self.value(node.value)
        name = node.attr
        if name.startswith("_") and not isinstance(owner, dict):
            raise _Refused(f"the attribute `{name}` of {_kind(owner)}")
        if isinstance(owner, _SafeModule):
            if name not in owner.functions:
                raise _Refused(f"`{owner.name}.{name}`")
            return owner.functions[name]
        if isinstance(owner, (LazyObject, LazyAttr)):
            return getattr(owner, name)  # another lazy reference; nothing is imported
        for kind, methods in _METHODS.items():
            if isinstance(owner, kind) and name in methods:
                return _Method(owner, name)
        if isinstance(owner, dict):
            if name.startswith("__"):
                raise _Refused(f"the attribute `{name}` of a dict")
            if name in owner:
                return dict.__getitem__(owner, name)
            raise AttributeError(f"'{type(owner).__name__}' object has no attribute '{name}'")
        raise _Refused(f"the attribute `{name}` of {_kind(owner)}")

    def on_Call(self, node: ast.Call) -> object:
        function = self.value(node.func)
        args = self.elements(node.args, bounded=False)
        kwargs: dict[str, object] = {}
        for keyword in node.keywords:
            value = self.value(keyword.value)
            if keyword.arg is None:
                if not isinstance(value, dict):
                    raise TypeError("argument after ** must be a mapping")
                if not all(isinstance(key, str) for key in value):
                    raise TypeError("keywords must be strings")
                _charge(len(value) // 8)
                kwargs.update(value)
            else:
                kwargs[keyword.arg] = value
        if function is dict and not args:
            return kwargs  # `dict(a=1, ...)`, most of every config: the keywords are the dict
        if isinstance(function, _Method):
            return function.call(args, kwargs)
        if isinstance(function, SafeFunction):
            raise _Refused(f"a call of `{function.name}`, defined in the config")
        if id(function) in _CALLABLE_IDS:
            _check_data("passing", *args, *kwargs.values())
            if id(function) in _SHALLOW_BUILTINS:
                _charge(sum(len(v) for v in args if isinstance(v, _SIZED)) // 8)
            else:
                _walked("passing", *args, *kwargs.values())
            builtin: Any = function  # one of the allow-listed callables (by id)
            result = builtin(*args, **kwargs)
            return result if any(result is a for a in args) else _produced(result)
        if isinstance(function, (LazyObject, LazyAttr)):
            raise _Refused(
                f"a call of `{_describe(node.func)}`, an imported name (safe mode imports nothing)"
            )
        raise _Refused(f"a call of `{_describe(node.func)}` ({_kind(function)})")

    def iterate(self, value: object) -> Iterator[object]:
        _check_data("iterating over", value)
        items: Any = value  # data, checked above; iterating raises a TypeError as in Python
        for item in items:
            self.step(None)
            yield item

    def comprehension(self, generators: list[ast.comprehension]) -> Iterator[None]:
        """Bind a comprehension's variables, in a scope of its own, to each of their values
        that passes its conditions, and yield for the element to be produced there."""
        self.scopes.append({})
        try:
            yield from self.loop(generators, 0)
        finally:
            self.scopes.pop()

    def loop(self, generators: list[ast.comprehension], index: int) -> Iterator[None]:
        if index == len(generators):
            yield None
            return
        generator = generators[index]
        if generator.is_async:
            raise _Refused("an async comprehension")
        for item in self.iterate(self.value(generator.iter)):
            self.store(generator.target, item)
            if all(self.value(condition) for condition in generator.ifs):
                yield from self.loop(generators, index + 1)

    def on_ListComp(self, node: ast.ListComp) -> object:
        return _check_size([self.value(node.elt) for _ in self.comprehension(node.generators)])

    on_GeneratorExp = on_ListComp

    def on_SetComp(self, node: ast.SetComp) -> object:
        produced = self.comprehension(node.generators)
        return _check_size({_hashed(self.value(node.elt)) for _ in produced})

    def on_DictComp(self, node: ast.DictComp) -> object:
        produced = self.comprehension(node.generators)
        return _check_size(
            {_hashed(self.value(node.key)): self.value(node.value) for _ in produced}
        )


class _Method:
    """A bound method from the allow-list, with the size checks it needs."""

    def __init__(self, owner: object, name: str) -> None:
        self.owner: Any = owner  # an instance of one of _METHODS' types
        self.name = name

    def call(self, args: list[object], kwargs: dict[str, object]) -> object:
        owner, name = self.owner, self.name
        values = (*args, *kwargs.values())
        _check_data("passing", *values)
        # Every argument is read at least once (`extend`, `update`, `union`, `join`).
        _charge(sum(len(v) for v in values if isinstance(v, _SIZED)) // 8)
        if isinstance(owner, str):
            args = self.checked_text(owner, name, args, kwargs)
        elif name in _ITEM_METHODS:
            # One item added, read or removed, or the container copied: only the item is
            # hashed (a dict's or a set's key), nothing is compared.
            if isinstance(owner, (dict, set)) and args:
                _hashed(args[0])
        elif name == "sort":
            if "key" in kwargs:
                raise _Refused("list.sort(key=...) (a call of a function)")
            size = _walked("sorting", owner)
            _charge(size * max(1, len(owner).bit_length()) // BYTES_PER_STEP)
        else:
            # Compares, hashes or merges what it is given with what the owner holds.
            _walked("passing", owner, *values)
        if isinstance(owner, list) and name in ("extend", "insert", "append"):
            added = len(args[0]) if name == "extend" and hasattr(args[0], "__len__") else 1
            if len(owner) + added > MAX_ITEMS:
                raise _Refused(f"a list of more than {MAX_ITEMS} items")
        result = getattr(owner, name)(*args, **kwargs)
        if isinstance(owner, (list, dict, set)):
            _check_size(owner)  # `update` and friends grow it and return None
        if result is None or result is owner or any(result is a for a in args):
            return result
        if name in _ITEM_METHODS and not isinstance(owner, str) and name != "copy":
            return result  # an item the owner held, not a new value
        return _produced(result)

    @staticmethod
    def checked_text(
        owner: str, name: str, args: list[object], kwargs: dict[str, object]
    ) -> list[object]:
        """Charge a string method for the characters it reads and refuse one whose result
        would be too big, before it runs; return the arguments to call it with."""
        _charge(len(owner) // BYTES_PER_STEP)
        if name == "format":
            for value in (*args, *kwargs.values()):
                if not isinstance(value, (str, int, float, bool, type(None), list, tuple, dict)):
                    raise _Refused(f"formatting {_kind(value)} with str.format")
            if _format_size(owner, args, kwargs) > MAX_ITEMS:
                raise _Refused(f"str.format() to more than {MAX_ITEMS:,} characters")
        elif name in _WIDTH_METHODS:
            width = max((v for v in (*args, *kwargs.values()) if type(v) is int), default=0)
            tabs = owner.count("\t") if name == "expandtabs" else 1
            if width > MAX_ITEMS or len(owner) + tabs * width > MAX_ITEMS:
                raise _Refused(f"str.{name}() to more than {MAX_ITEMS:,} characters")
        elif name in _SEARCH_METHODS and args:
            _searched(owner, args[0])
        if name == "replace" and len(args) >= 2:
            old, new = args[:2]
            if isinstance(old, str) and isinstance(new, str):
                count = owner.count(old) if old else len(owner) + 1
                if len(owner) + count * len(new) > MAX_ITEMS:
                    raise _Refused(f"str.replace() to more than {MAX_ITEMS} characters")
        if name == "join" and args:
            items = list(args[0])  # type: ignore[call-overload]  # join() needs an iterable
            length = sum(len(i) for i in items if isinstance(i, str)) + len(owner) * len(items)
            if length > MAX_ITEMS:
                raise _Refused(f"str.join() of more than {MAX_ITEMS} characters")
            args = [items, *args[1:]]
        return args


# Methods that add, read or remove one item, or copy the container shallowly.
_ITEM_METHODS = _words(
    "append insert pop extend copy keys items values get setdefault clear add discard "
    "popitem reverse bit_length is_integer"
)
_SEARCH_METHODS = _words(
    "count find rfind index rindex replace split rsplit partition rpartition startswith "
    "endswith removeprefix removesuffix strip lstrip rstrip"
)


def _check_format(text: str) -> None:
    """Refuse ``'{0.__class__}'``-style fields: only plain names and indexes of arguments."""
    for _, field, spec, _ in string.Formatter().parse(text):
        if field and ("." in field or "[" in field):
            raise _Refused(f"the format field `{{{field}}}` (an attribute or item walk)")
        if spec:
            _check_format(spec)


def _format_size(template: str, args: list[object], kwargs: dict[str, object]) -> int:
    """An upper bound of the length of ``template.format(*args, **kwargs)``, computed
    before formatting: the literal text, each value's text, and each field's width and
    precision, with the widths that come from arguments (``'{0:{1}}'``) looked up. A field
    that names no argument counts nothing: formatting then fails as Python does."""
    _check_format(template)
    parser = string.Formatter()
    automatic = itertools.count()  # the indexes of the fields `{}`

    def argument(field: str) -> object:
        if not field or field.isdigit():
            index = int(field) if field else next(automatic)
            return args[index] if index < len(args) else ""
        return kwargs.get(field, "")

    total = 0
    for literal, field, spec, _ in parser.parse(template):
        total += len(literal)
        if field is None:
            continue
        total += _walked("formatting", argument(field))
        if spec:
            resolved = []
            for inner_literal, inner_field, _, _ in parser.parse(spec):
                resolved.append(inner_literal)
                if inner_field is not None:
                    inner = argument(inner_field)
                    resolved.append(str(inner) if _walked("formatting", inner) < 4096 else "9" * 8)
            total += _spec_width("".join(resolved))
    return total


def _spec_width(spec: str) -> int:
    """What a format spec may add: the sum of every number in it (width, precision; a
    digit used as the fill character counts too, a bound need not be tight)."""
    digits = "".join(c if c.isdigit() else " " for c in spec).split()
    if any(len(d) > 7 for d in digits):
        return MAX_ITEMS + 1
    return sum(int(d) for d in digits)


_DATA_TYPES: tuple[type, ...] = (
    str, bytes, int, float, complex, bool, type(None), list, tuple, dict, set, frozenset, range,
    slice, type(...),
)  # fmt: skip


_VIEW_TYPES = frozenset(
    {"dict_keys", "dict_values", "dict_items", "enumerate", "zip", "reversed", "list_iterator",
     "list_reverseiterator", "dict_itemiterator"}
)  # fmt: skip


def _check_data(what: str, *values: object) -> None:
    """Only data (and lazy references, dict views, enumerate/zip results) flow into operators
    and builtins: no object whose own methods would run."""
    for value in values:
        if not (
            isinstance(value, (*_DATA_TYPES, LazyObject, LazyAttr))
            or id(value) in _CALLABLE_IDS  # isinstance(x, dict)
            or type(value).__name__ in _VIEW_TYPES
        ):
            raise _Refused(f"{what} {_kind(value)}")


def _check_total(result: object) -> None:
    """Refuse a result that later steps (the ``ConfigDict`` conversion, text output, dumps,
    diffs) would blow up: its expanded size (a list shared in many places is as big as all
    its copies; bytes and digits counted) and its depth are bounded, so every later step is
    linear in something bounded. Each container is visited once, so this is linear in the
    values the config built."""
    budget = getattr(_LOCAL, "budget", None)
    try:
        size = expanded_size(result, memo=None if budget is None else budget.measured)[0]
    except SizeLimitError as error:
        raise _Refused(_PAST_RESULT_LIMIT[error.reason]) from None
    # What a file keeps is charged to the load's budget: the next file's conversion of
    # its bases, merging and text output walk it again.
    _charge(size // 16)


def _check_container(value: object, what: str) -> None:
    if not isinstance(value, (dict, list)):
        raise _Refused(f"{what} {_kind(value)}")


def _check_size(value: T) -> T:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise _Refused(f"an integer of more than {MAX_INT_BITS} bits")
    if isinstance(value, _SIZED) and len(value) > MAX_ITEMS:
        raise _Refused(f"a value of more than {MAX_ITEMS} items")
    return value


def _binary(
    operator: ast.operator, first: object, second: object, in_place: bool = False
) -> object:
    """``left <op> right``, refused when the result would be too big to build."""
    left: Any = first  # data, checked next; Python's operator checks the rest
    right: Any = second
    _check_data("an operator on", left, right)
    kind = type(operator).__name__
    ints = isinstance(left, int) and isinstance(right, int)
    if ints:
        _charge_arithmetic(kind, left, right)
    too_big = False
    if ints and kind == "Pow" and right > 0 and abs(left) > 1:
        too_big = abs(left).bit_length() * right > MAX_INT_BITS * 2
    elif ints and kind == "LShift":
        too_big = right > MAX_INT_BITS
    elif ints and kind == "Mult":
        too_big = left.bit_length() + right.bit_length() > MAX_INT_BITS
    elif kind == "Mult" and isinstance(left, int) != isinstance(right, int):
        sequence, count = (right, left) if isinstance(left, int) else (left, right)
        too_big = hasattr(sequence, "__len__") and len(sequence) * max(count, 0) > MAX_ITEMS
    elif kind == "Add" and hasattr(left, "__len__") and hasattr(right, "__len__"):
        too_big = len(left) + len(right) > MAX_ITEMS
    elif kind == "Mod" and isinstance(left, str):
        if "*" in left:
            raise _Refused("a `%` format with a `*` width")
        if _percent_size(left) + _walked("formatting", right) > MAX_ITEMS:
            raise _Refused(f"a `%` format to more than {MAX_ITEMS:,} characters")
    elif isinstance(left, _HASHED) or isinstance(right, _HASHED):
        _walked("an operator on", left, right)  # set and dict operators hash every item
    if too_big:
        raise _Refused(f"the operator {kind} on values whose result is too big to build")
    if in_place and isinstance(left, list) and kind == "Add":
        _charge(len(right) // 8 if hasattr(right, "__len__") else 0)
        left += right  # `lst += [...]` extends the list itself, as in Python
        return _check_size(left)
    return _produced(_OPERATORS[kind](left, right))


_HASHED = (set, frozenset, dict)


def _charge_arithmetic(kind: str, left: int, right: int) -> None:
    """Charge big-integer arithmetic for its real cost, quadratic in the digits for a
    product, a division or a power (about one step per 64 word operations)."""
    left_words = left.bit_length() // 30 + 1
    right_words = right.bit_length() // 30 + 1
    if kind == "Pow" and right > 1 and abs(left) > 1:
        result_words = min(left_words * right, 4 * MAX_INT_BITS // 30)
        _charge(result_words * result_words // 64)
    elif left_words > 32 or right_words > 32:
        _charge(left_words * right_words // 64)


_PERCENT_FIELD = lazy_pattern(r"%(?:\([^)]*\))?[-#0 +]*(\d*)(?:\.(\d*))?")


def _percent_size(template: str) -> int:
    """An upper bound of what ``template % values`` writes besides the values' text: the
    template, and the width and precision of every conversion (``'%1000000d' * 3000``)."""
    matches = _PERCENT_FIELD.finditer(template)
    numbers = [number or "" for match in matches for number in match.groups()]
    return len(template) + sum(map(_spec_width, numbers))


import operator as _operator  # noqa: E402 - the tables below only

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "Add": _operator.add, "Sub": _operator.sub, "Mult": _operator.mul,
    "Div": _operator.truediv, "FloorDiv": _operator.floordiv, "Mod": _operator.mod,
    "Pow": _operator.pow, "LShift": _operator.lshift, "RShift": _operator.rshift,
    "BitOr": _operator.or_, "BitXor": _operator.xor, "BitAnd": _operator.and_,
    "MatMult": _operator.matmul,
}  # fmt: skip
_UNARY_OPERATORS: dict[str, Callable[[Any], Any]] = {
    "USub": _operator.neg, "UAdd": _operator.pos, "Invert": _operator.invert,
}  # fmt: skip
_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "Eq": _operator.eq, "NotEq": _operator.ne, "Lt": _operator.lt, "LtE": _operator.le,
    "Gt": _operator.gt, "GtE": _operator.ge, "Is": _operator.is_, "IsNot": _operator.is_not,
    "In": lambda a, b: a in b, "NotIn": lambda a, b: a not in b,
}  # fmt: skip


def _compared(operator: ast.cmpop, left: object, right: object) -> None:
    """Charge a comparison for the walk it does in C: ``==`` and ``<`` walk both sides,
    ``in`` compares with every item of a sequence, hashes for a dict or set, searches a
    string."""
    kind = type(operator).__name__
    if kind in ("In", "NotIn") and isinstance(right, str):
        _searched(right, left)
    elif kind in ("In", "NotIn") and isinstance(right, _HASHED):
        _hashed(left)
    elif kind not in ("Is", "IsNot"):
        _walked("comparing", left, right)


def _kind(value: object) -> str:
    if isinstance(value, SafeFunction):
        return f"`{value.name}` (defined in the config)"
    if isinstance(value, (LazyObject, LazyAttr)):
        return f"the imported name `{value}`"
    if isinstance(value, _Method):
        return f"the method `{value.name}`"
    return f"a {type(value).__name__}"


def _describe(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # a node unparse cannot write
        return type(node).__name__
    return clipped(text.splitlines()[0], 60) if text else type(node).__name__
