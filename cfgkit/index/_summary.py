"""What one source file says about registries, read with :mod:`ast` and never executed.

A summary is plain data (dicts, lists, tuples, strings, ints, booleans and None), so it can
be stored with :mod:`marshal` and read back in microseconds. Names stay as written (dotted
expressions such as ``'nn.BatchNorm2d'``): resolving them across modules and packages is the
index's job (:mod:`cfgkit.index._resolve`).

A summary is a dict:

``imports``
    ``{local name: (module, attribute or None)}``: ``import a.b as c`` is ``('a.b', None)``,
    ``import a.b`` binds ``a`` to ``('a', None)``, ``from .x import y as z`` is
    ``('pkg.x', 'y')`` (relative imports made absolute).
``stars``
    Modules imported with ``from m import *``.
``defs``
    ``{name: definition}``, the module-level names: ``('class', line, bases, init, opaque,
    popped, scoped, reads_type)`` (``init`` the parameters of its own ``__init__`` or None
    when it has none; ``opaque`` when something other than ``__init__`` may decide its
    signature: a metaclass, ``__new__``, a class decorator; ``popped`` the keys ``__init__``
    takes out of each dict parameter; ``scoped`` the scope it sets on one,
    ``cfg['_scope_'] = 'mmdet'``; ``reads_type`` the names whose ``'type'`` a method reads
    itself), ``('function', line, parameters or None)``, ``('registry', line, name, parent,
    scope)``, ``('alias', expression)``, ``('helper', line, parameters, defaults, registry
    parameter, name rule, target rule)``.
``registrations``
    ``(registry, names, target, line, dynamic)``: ``names`` the registered names or None
    for the target's ``__name__``; ``target`` an expression, or ``('params', parameters)``
    for a function defined where it is registered, or None when unknown; ``dynamic`` None,
    or the constant prefix of names only known at run time (``''`` when nothing is known).
``calls``
    Module-level calls and decorators that may be registration helpers: ``(function,
    positional, keywords, line, decorated)``, arguments as expressions, or lists of the
    strings they write out (None when neither), ``decorated`` the name of the decorated class
    or function.

Parameters are ``(names, required, takes_any)``: the names a keyword may use (positional-only
ones and ``self`` left out), those without a default, and whether there is ``**kwargs``.
"""

from __future__ import annotations

import ast
import bisect
import warnings

from cfgkit._keys import SCOPE_KEY

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional, TypedDict, Union

    FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
    # The shapes of the module docstring, as stored (marshal-able plain data).
    Parameters = tuple[list[str], list[str], bool]  # names, required, takes **kwargs
    ClassDefinition = tuple[
        str, int, list[Optional[str]], Optional[Parameters], bool, dict[str, list[str]],
        dict[str, str], list[str],
    ]  # fmt: skip
    FunctionDefinition = tuple[str, int, Optional[Parameters]]
    RegistryDefinition = tuple[str, int, str, Optional[str], Optional[str]]
    AliasDefinition = tuple[str, str]
    NameRule = Optional[tuple[str, Union[list[str], Optional[str]]]]
    TargetRule = Optional[tuple[str, Union[Optional[str], Parameters]]]
    HelperDefinition = tuple[
        str, int, list[str], dict[str, Optional[str]], Optional[str], NameRule, TargetRule
    ]
    Definition = Union[
        ClassDefinition, FunctionDefinition, RegistryDefinition, AliasDefinition, HelperDefinition
    ]
    Argument = Union[list[str], str, None]  # the strings written out, a dotted name, or None
    Registration = tuple[Optional[str], Optional[list[str]], Optional[str], int, Optional[str]]
    Call = tuple[str, list[Argument], dict[str, Argument], int, Optional[str]]

    class Summary(TypedDict):
        imports: dict[str, tuple[str, Optional[str]]]
        stars: list[str]
        defs: dict[str, Definition]
        registrations: list[Registration]
        calls: list[Call]


__all__ = ["FORMAT", "summarise"]

# Bump when the shape of a summary changes (cached summaries of another format are ignored).
FORMAT = 10

_REGISTER = ("register_module", "_register_module")
_HARMLESS_METACLASSES = ("ABCMeta", "abc.ABCMeta")
_TRY_STATEMENTS = (ast.Try, getattr(ast, "TryStar", ast.Try))  # `try: ... except*` from 3.11
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def dotted(node: Optional[ast.AST]) -> Optional[str]:
    """``a.b.c`` for a name or attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def parameters(function: FunctionNode, method: bool) -> Parameters:
    """``(names, required, takes_any)`` of a ``def``."""
    arguments = function.args
    positional = list(arguments.args)
    if method and arguments.posonlyargs:
        positional_only = arguments.posonlyargs[1:]
    else:
        positional_only = list(arguments.posonlyargs)
        if method and positional:
            positional = positional[1:]
    defaults_start = len(positional_only) + len(positional) - len(arguments.defaults)
    names = []
    required = []
    for index, argument in enumerate(positional):
        names.append(argument.arg)
        if len(positional_only) + index < defaults_start:
            required.append(argument.arg)
    for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        names.append(argument.arg)
        if default is None:
            required.append(argument.arg)
    return (names, required, arguments.kwarg is not None)


class _Summary:
    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.imports: dict[str, tuple[str, Optional[str]]] = {}
        self.stars: list[str] = []
        self.defs: dict[str, Definition] = {}
        self.registrations: list[Registration] = []
        self.calls: list[Call] = []
        # Names each call inside a function can see from that function's own imports.
        self.function_imports: dict[int, dict[str, str]] = {}
        # What a function's own `from m import X` binds X to, as an absolute path.
        self.function_registries: dict[tuple[int, str], str] = {}
        # The function (id) each call inside a function belongs to.
        self.call_functions: dict[int, int] = {}
        # The lines that mention register_module: only the bodies that hold one are walked.
        self.register_lines: list[int] = []
        # The lines with a 'type' string: only classes that hold one are read for it.
        self.type_lines: list[int] = []

    def result(self) -> Summary:
        return {
            "imports": self.imports,
            "stars": self.stars,
            "defs": self.defs,
            "registrations": self.registrations,
            "calls": self.calls,
        }

    # -- module-level statements -------------------------------------------------------

    def statements(self, body: list[ast.stmt], bound: dict[str, ast.expr]) -> None:
        for node in body:
            self.statement(node, bound)

    def statement(self, node: ast.stmt, bound: dict[str, ast.expr]) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.imports[alias.asname] = (alias.name, None)
                else:
                    top = alias.name.partition(".")[0]
                    self.imports[top] = (top, None)
        elif isinstance(node, ast.ImportFrom):
            base = self.absolute(node.module, node.level)
            if base is None:
                return
            for alias in node.names:
                if alias.name == "*":
                    self.stars.append(base)
                else:
                    self.imports[alias.asname or alias.name] = (base, alias.name)
        elif isinstance(node, ast.ClassDef):
            self.class_def(node)
        elif isinstance(node, _FUNCTIONS):
            self.function_def(node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            self.assign(node)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self.call(node.value, bound, node.lineno)
        elif isinstance(node, ast.If):
            self.statements(node.body, bound)
            self.statements(node.orelse, bound)
        elif isinstance(node, _TRY_STATEMENTS):
            for part in (node.body, node.orelse, node.finalbody):
                self.statements(part, bound)
            for handler in node.handlers:
                self.statements(handler.body, bound)
        elif isinstance(node, ast.With):
            self.statements(node.body, bound)
        elif isinstance(node, ast.For):
            self.loop(node, bound)

    def absolute(self, module: Optional[str], level: int) -> Optional[str]:
        if not level:
            return module
        parts = self.package.split(".") if self.package else []
        if level - 1 > len(parts):
            return None
        base = ".".join(parts[: len(parts) - level + 1])
        if module:
            return f"{base}.{module}" if base else module
        return base or None

    def loop(self, node: ast.For, bound: dict[str, ast.expr]) -> None:
        """``for x in [A, B]:`` runs its body once per element; any other loop once, with
        its variable unknown."""
        target = node.target.id if isinstance(node.target, ast.Name) else None
        elements = node.iter.elts if isinstance(node.iter, (ast.List, ast.Tuple)) else None
        if target is None or elements is None:
            self.dynamic_body(node.body, bound)
            return
        for element in elements:
            self.statements(node.body, {**bound, target: element})

    def dynamic_body(self, body: list[ast.stmt], bound: dict[str, ast.expr]) -> None:
        """Statements whose names are not known: their registrations only say where."""
        for statement in body:
            if not self.mentions(statement):
                continue
            for node in ast.walk(statement):
                if isinstance(node, ast.Call):
                    self.call(node, bound, node.lineno, in_function=True)
                elif isinstance(node, (ast.ClassDef, *_FUNCTIONS)):
                    self.decorators(node, in_function=True)

    def assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        value = node.value
        names = _assigned(node)
        if value is None or not names:
            return
        definition: Optional[Definition] = None
        if isinstance(value, ast.Call) and self.is_registry_class(value.func):
            definition = self.registry(value)
        else:
            expression = dotted(value)
            if expression is not None:
                definition = ("alias", expression)
        for name in names:
            if definition is None:
                self.defs.pop(name, None)
            else:
                self.defs[name] = definition

    def is_registry_class(self, node: ast.expr) -> bool:
        name = dotted(node)
        if name is None:
            return False
        head, _, rest = name.partition(".")
        imported = self.imports.get(head)
        if not rest and imported is not None and imported[1] is not None:
            return imported[1] == "Registry"
        return name.rpartition(".")[2] == "Registry"

    def registry(self, call: ast.Call) -> RegistryDefinition:
        """``Registry(name, build_func=None, parent=None, scope=None, locations=())``."""
        name = _constant(_argument(call, "name", 0))
        scope = _constant(_argument(call, "scope", 3))
        return (
            "registry",
            call.lineno,
            name if isinstance(name, str) else "",
            dotted(_argument(call, "parent", 2)),
            scope if isinstance(scope, str) else None,
        )

    def class_def(self, node: ast.ClassDef) -> None:
        bases = [dotted(b.value if isinstance(b, ast.Subscript) else b) for b in node.bases]
        opaque = any(
            k.arg == "metaclass" and dotted(k.value) not in _HARMLESS_METACLASSES
            for k in node.keywords
        )
        methods = {m.name: m for m in node.body if isinstance(m, _FUNCTIONS)}
        init = None
        popped: dict[str, list[str]] = {}
        scoped: dict[str, str] = {}
        for statement in node.body:
            if isinstance(statement, _FUNCTIONS):
                if statement.name == "__init__":
                    init = None if statement.decorator_list else parameters(statement, True)
                    opaque = opaque or bool(statement.decorator_list)
                    popped, scoped = _popped(statement, methods)
                elif statement.name in ("__new__", "__signature__", "__init_subclass__"):
                    opaque = True
            elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                opaque = opaque or "__init__" in _assigned(statement)
        others = self.decorators(node)
        self.dynamic_body(node.body, {})
        reads_type = _reads_type(node) if self.mentions(node, self.type_lines) else []
        self.defs[node.name] = (
            "class", node.lineno, bases, init, opaque or others, popped, scoped, reads_type
        )  # fmt: skip

    def function_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        helper = self.helper(node)
        if helper is not None:
            self.defs[node.name] = helper
            return
        others = self.decorators(node)
        self.defs[node.name] = (
            "function",
            node.lineno,
            None if others else parameters(node, False),
        )
        self.dynamic_body(node.body, {})

    def decorators(
        self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, in_function: bool = False
    ) -> bool:
        """Record the registrations among ``node``'s decorators; tell whether others remain.

        Inside a function or a method (``in_function``), the registered name is known, the
        signature is not looked for, and the other decorators are not kept as calls."""
        others = False
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            if call is not None and self.register_call(call) is not None:
                own_name = node.name if in_function else None
                target = ast.Name(id=node.name)
                self.registration(call, {}, decorator.lineno, target, in_function, own_name)
                continue
            function = dotted(call.func if call is not None else decorator)
            if function is not None and not in_function:
                positional, keywords = _arguments(call, {}) if call is not None else ([], {})
                self.calls.append((function, positional, keywords, decorator.lineno, node.name))
            others = True
        return others

    # -- registrations --------------------------------------------------------------------

    @staticmethod
    def register_call(call: ast.Call) -> Optional[str]:
        """The registry expression of ``REGISTRY.register_module(...)``, else None."""
        function = call.func
        if isinstance(function, ast.Attribute) and function.attr in _REGISTER:
            return dotted(function.value)
        return None

    def call(
        self, call: ast.Call, bound: dict[str, ast.expr], line: int, in_function: bool = False
    ) -> None:
        """A registration, or (at module level) a call that may be of a registration helper."""
        if self.register_call(call) is not None:
            self.registration_call(call, bound, line, in_function)
        elif not self.applied(call, bound, line, in_function) and not in_function:
            function = dotted(call.func)
            if function is not None and (call.args or call.keywords):
                self.calls.append((function, *_arguments(call, bound), line, None))

    def registration_call(
        self, call: ast.Call, bound: dict[str, ast.expr], line: int, in_function: bool = False
    ) -> None:
        module = _register_arguments(call)[0]
        if module is not None:
            self.registration(call, bound, line, _bound(module, bound), in_function)
        elif call.args and dotted(_bound(call.args[0], bound)):
            # mmcv 1.x's old form, register_module(SomeClass): the class, named by itself.
            first = _bound(call.args[0], bound)
            self.registration(call, bound, line, first, in_function, named=False)
        # Otherwise register_module(...) is used as a decorator factory, not a registration.

    def applied(
        self, call: ast.Call, bound: dict[str, ast.expr], line: int, in_function: bool = False
    ) -> bool:
        """``REGISTRY.register_module(...)(cls)``: the decorator applied by hand, as mmcv
        1.x registers torch's optimizers; tell whether ``call`` is one."""
        factory = call.func
        if not (isinstance(factory, ast.Call) and self.register_call(factory) and call.args):
            return False
        self.registration(factory, bound, line, _bound(call.args[0], bound), in_function)
        return True

    def registration(
        self,
        call: ast.Call,
        bound: dict[str, ast.expr],
        line: int,
        module: ast.expr,
        in_function: bool = False,
        own_name: Optional[str] = None,
        named: bool = True,
    ) -> None:
        registry = self.register_call(call)
        if in_function and registry is not None:
            # A registry the function imports itself: named by its absolute path.
            head, dot, rest = registry.partition(".")
            owner = self.call_functions.get(id(call))
            absolute = self.function_registries.get((owner, head)) if owner else None
            if absolute is not None:
                registry = absolute + dot + rest
        name_node = _register_arguments(call)[1] if named else None
        if name_node is not None:
            name_node = _bound(name_node, bound)
        names = _names(name_node, bound)
        target = dotted(module)
        local = target.partition(".")[0] if target else None
        if in_function and local not in self.imports and local not in self.defs:
            target = None  # a name local to the function: its signature is not known here
        dynamic = None
        if names is None and own_name is not None and _is_none(name_node):
            names = [own_name]
        elif names is None and not _is_none(name_node):
            dynamic = _prefix(name_node)
        elif names is None and target is None:
            local, imported = _name(module), self.function_imports.get(id(call), {})
            if in_function and local in imported:
                names = [imported[local]]
            else:
                dynamic = ""
        self.registrations.append((registry, names, target, line, dynamic))

    def mentions(self, node: ast.AST, lines: Optional[list[int]] = None) -> bool:
        """Tell whether ``node``'s lines (its decorators left out) are among ``lines`` (by
        default those that mention register_module)."""
        lines = self.register_lines if lines is None else lines
        first = bisect.bisect_left(lines, getattr(node, "lineno", 0))
        return first < len(lines) and lines[first] <= (getattr(node, "end_lineno", None) or 1 << 30)

    def helper(self, node: FunctionNode) -> Optional[HelperDefinition]:
        """A function that registers into a registry it takes as a parameter, or None."""
        if not self.mentions(node):
            return None
        arguments = node.args
        all_positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
        calls = (c for c in ast.walk(node) if isinstance(c, ast.Call))
        call = next((c for c in calls if self.register_call(c) in all_positional), None)
        if call is None:
            return None
        defaults = dict(
            zip(all_positional[len(all_positional) - len(arguments.defaults) :], arguments.defaults)
        )
        defaults.update(
            (a.arg, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None
        )
        local_defs = {n.name: n for n in ast.walk(node) if isinstance(n, _FUNCTIONS)}
        # `for name in names:` over a parameter: each of its values is registered.
        loops = {
            n.target.id: n.iter.id
            for n in ast.walk(node)
            if isinstance(n, ast.For)
            and isinstance(n.target, ast.Name)
            and isinstance(n.iter, ast.Name)
            and n.iter.id in all_positional
        }
        module, name_node = _register_arguments(call)
        name_rule: NameRule = None
        if name_node is not None:
            listed, name = _names(name_node), _name(name_node) or ""
            attribute = name_node if isinstance(name_node, ast.Attribute) else None
            owner = dotted(attribute.value) if attribute is not None else None
            if listed is not None:
                name_rule = ("names", listed)
            elif attribute is not None and owner in all_positional:
                name_rule = ("name_of", owner) if attribute.attr == "__name__" else None
            elif name in all_positional:
                name_rule = ("value_of", name)
            elif name in loops:
                name_rule = ("each_of", loops[name])
            else:
                name_rule = ("dynamic", _prefix(name_node))
        local = _name(module)
        if local in all_positional:
            target_rule: TargetRule = ("param", local)
        elif local in local_defs:
            target_rule = ("params", parameters(local_defs[local], False))
        else:
            target_rule = None
        default_values = {k: dotted(v) for k, v in defaults.items()}
        registry = self.register_call(call)
        return (
            "helper",
            node.lineno,
            all_positional,
            default_values,
            registry,
            name_rule,
            target_rule,
        )


def _arguments(
    call: ast.Call, bound: dict[str, ast.expr]
) -> tuple[list[Argument], dict[str, Argument]]:
    """A call's positional and keyword arguments as the index keeps them (:func:`_value`)."""
    positional = [_value(a, bound) for a in call.args]
    return positional, {k.arg: _value(k.value, bound) for k in call.keywords if k.arg}


def _value(node: ast.expr, bound: dict[str, ast.expr]) -> Argument:
    """A call argument as the index keeps it: a dotted name, the strings of a literal string
    or list of strings, or None."""
    node = _bound(node, bound)
    names = _names(node, bound)
    return names if names is not None else dotted(node)


def _popped(
    function: FunctionNode,
    methods: Optional[dict[str, FunctionNode]] = None,
    outer: Optional[dict[str, str]] = None,
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """What an ``__init__`` does to its dict arguments before passing them on: the keys it
    takes out (``loss_cls.pop('bg_cls_weight')``, ``del cfg['x']``), and the scope it builds
    them in (``cfg['_scope_'] = 'mmdet'``, ``cfg.update(_scope_='mmdet')``); also in the
    class's own methods it hands them to (``self._init_ema_model(self._ema_config)``), one
    call deep.

    Args:
        function: The ``__init__`` (or a method it calls).
        methods: The class's methods, to follow calls into (None: not followed).
        outer: For a method: which of its parameters hold which ``__init__`` parameter.
    """
    # Each parameter, and the names that hold it or a copy of it (`self.cfg = cfg`,
    # `cfg_ = cfg.copy()`), as written: what they lose, the parameter's dict loses.
    if outer is None:
        holders = {a.arg: a.arg for a in (*function.args.args, *function.args.kwonlyargs)}
    else:
        holders = dict(outer)
    nodes = list(ast.walk(function))
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            source = node.value
            if isinstance(source, ast.Call) and not source.args:  # `x.copy()`: an attribute
                source = source.func.value if _is_copy(source.func) else source  # type: ignore[attr-defined]  # a copy without arguments is a method
            elif isinstance(source, ast.Call) and len(source.args) == 1 and _is_copy(source.func):
                source = source.args[0]  # copy.deepcopy(cfg)
            holder, holding = dotted(source), dotted(node.targets[0])
            if holder in holders and holding is not None and holding not in holders:
                holders[holding] = holders[holder]
    popped: dict[str, list[str]] = {}
    scoped: dict[str, str] = {}
    for node in nodes:
        owner: Optional[str] = None
        key: object = None  # a key taken out of `owner`
        scope: object = None  # a scope set on `owner`
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "pop" and node.args:
                owner, key = dotted(node.func.value), _constant(node.args[0])
            elif node.func.attr == "update":
                owner = dotted(node.func.value)
                scope = next(
                    (_constant(k.value) for k in node.keywords if k.arg == SCOPE_KEY), None
                )
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Subscript):
                    owner, key = dotted(target.value), _constant(target.slice)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and _constant(target.slice) == SCOPE_KEY:
                owner, scope = dotted(target.value), _constant(node.value)
        if owner in holders and isinstance(key, str):
            popped.setdefault(holders[owner or ""], []).append(key)
        if owner in holders and isinstance(scope, str):
            scoped[holders[owner or ""]] = scope
    for call in nodes if methods else ():
        # A call `self.method(...)` of one of the class's methods.
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        method = (methods or {}).get(call.func.attr) if _name(call.func.value) == "self" else None
        if method is None:
            continue
        passed = dict(zip((a.arg for a in method.args.args[1:]), call.args))
        passed.update((k.arg, k.value) for k in call.keywords if k.arg)
        inner = {
            name: holders[dotted(value) or ""]
            for name, value in passed.items()
            if dotted(value) in holders
        }
        if inner:
            more, more_scoped = _popped(method, None, inner)
            for parameter, keys in more.items():
                popped.setdefault(parameter, []).extend(keys)
            for parameter, value in more_scoped.items():
                scoped.setdefault(parameter, value)
    return popped, scoped


def _is_copy(function: ast.expr) -> bool:
    """``x.copy``, ``copy.copy``, ``copy.deepcopy``, ``deepcopy``."""
    name = dotted(function) or ""
    return name.rpartition(".")[2] in ("copy", "deepcopy")


def _reads_type(node: ast.ClassDef) -> list[str]:
    """The names whose ``'type'`` a class's methods read themselves (``cfg['type']``,
    ``self.block_cfgs.pop('type')``; ``self.`` and trailing underscores left out): a dict
    such a class takes may name a class it picks without a registry (mmocr's ResNet picks
    its block from ``block_cfgs['type']``, mmagic's hook its sampler from a sample dict)."""
    names: set[str] = set()
    for child in ast.walk(node):
        owner = None
        if isinstance(child, ast.Subscript) and _constant(child.slice) == "type":
            owner = child.value
        elif (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and child.func.attr in ("pop", "get")
            and child.args
            and _constant(child.args[0]) == "type"
        ):
            owner = child.func.value
        name = dotted(owner) if owner is not None else None
        if name is not None:
            names.add(name.rpartition(".")[2].rstrip("_"))
    return sorted(n for n in names if n)


def _name(node: Optional[ast.AST]) -> Optional[str]:
    return node.id if isinstance(node, ast.Name) else None


def _bound(node: ast.expr, bound: dict[str, ast.expr]) -> ast.expr:
    """What ``node`` stands for: a loop variable's element (``bound``), else itself."""
    return bound.get(_name(node) or "", node)


def _assigned(node: ast.Assign | ast.AnnAssign) -> list[str]:
    """The plain names an assignment binds."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return [t.id for t in targets if isinstance(t, ast.Name)]


def _constant(node: Optional[ast.AST]) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _is_none(node: Optional[ast.AST]) -> bool:
    return node is None or (isinstance(node, ast.Constant) and node.value is None)


def _register_arguments(call: ast.Call) -> tuple[Optional[ast.expr], Optional[ast.expr]]:
    """The class and the name a registration gives: ``register_module(name, force, module)``,
    or mmcv 1.x's ``_register_module(module, module_name, force)``."""
    if isinstance(call.func, ast.Attribute) and call.func.attr == "_register_module":
        return _argument(call, "module", 0), _argument(call, "module_name", 1)
    return _argument(call, "module", 2), _argument(call, "name", 0)


def _argument(call: ast.Call, keyword: str, position: int) -> Optional[ast.expr]:
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    if position < len(call.args) and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    return None


def _names(
    node: Optional[ast.AST], bound: Optional[dict[str, ast.expr]] = None
) -> Optional[list[str]]:
    """The names a ``name=`` argument gives, when they are written out (an f-string of loop
    variables over a literal list included)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr) and bound:
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.conversion != -1 or value.format_spec is not None:
                    return None
                value = _bound(value.value, bound)
            if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                return None
            parts.append(value.value)
        return ["".join(parts)]
    if isinstance(node, (ast.List, ast.Tuple)):
        names = [
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
        if len(names) == len(node.elts):
            return names
    return None


def _prefix(node: Optional[ast.AST]) -> str:
    """The constant start of a name known only at run time (``f'torchvision/{name}'``)."""
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = node.left
        if isinstance(left, ast.Constant) and isinstance(left.value, str):
            return left.value
    return ""


def _lines_with(source: bytes, *texts: bytes) -> list[int]:
    """The numbers of the lines that contain one of ``texts`` (none split when none does)."""
    if not any(text in source for text in texts):
        return []
    lines = enumerate(source.splitlines(), 1)
    return [number for number, line in lines if any(text in line for text in texts)]


def summarise(
    source: bytes, module: str, is_package: bool, filename: str = "<source>"
) -> Optional[Summary]:
    """The summary of one file (None when it is not valid Python for this interpreter)."""
    try:
        with warnings.catch_warnings():
            # Invalid escapes ("\d") warn, and are errors under -W error: not ours to judge.
            warnings.simplefilter("ignore")
            tree = ast.parse(source, filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # not readable here
        return None
    summary = _Summary(module, is_package)
    summary.register_lines = _lines_with(source, b"register_module")
    summary.type_lines = _lines_with(source, b"'type'", b'"type"')
    functions = ast.walk(tree) if summary.register_lines else ()
    for function in functions:
        if isinstance(function, _FUNCTIONS) and summary.mentions(function):
            local: dict[str, str] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom):
                    local.update((a.asname or a.name, a.name) for a in node.names)
                    origin = summary.absolute(node.module, node.level)
                    if origin is not None:
                        summary.function_registries.update(
                            ((id(function), a.asname or a.name), f"{origin}.{a.name}")
                            for a in node.names
                        )
            if local:
                for node in ast.walk(function):
                    if isinstance(node, ast.Call):
                        summary.function_imports[id(node)] = local
                        summary.call_functions[id(node)] = id(function)
    summary.statements(tree.body, {})
    return summary.result()
