"""Load a pure-Python config: bases from ``with read_base():``, other imports made lazy.

mmengine 0.8+'s second style (``mmengine.config.Config._parse_lazy_import``):

- ``with read_base():`` holds ``from .base import *`` / ``from .base import name as alias``
  (relative to the file) or ``from package.configs.base import *`` (inside an installed
  package); each base is loaded the same way and its names are bound in the config, as an
  import would bind them (no merging, no ``_delete_``).
- ``from module import Name`` and ``import module as name`` of anything outside the standard
  library bind a :class:`~cfgkit.config.lazy.LazyObject`: nothing is imported while loading.
  ``import a.b`` binds ``a`` lazily. Standard-library imports run.
- ``from mmengine.config import read_base`` (the line every such config starts with) is
  understood without mmengine being installed, as are cfgkit's own spellings.

The result keeps every name but dunders and modules; the names bound by imports are
reported, so that ``Config.to_dict()`` can leave them out.
"""

from __future__ import annotations

import functools
import os
import sys
import types

from cfgkit._keys import BASE_KEY
from cfgkit._lazy_modules import lazy_module, lazy_pattern
from cfgkit._records import NamedTuple
from cfgkit.config._load.files import (
    PYTHON_EXTENSION,
    BaseBudget,
    check_not_loading,
    inside_roots,
    outside_roots_error,
    package_directory,
    read_text,
)
from cfgkit.config._load.layers import SourceLayer, changed_keys
from cfgkit.config._load.loader_names import LOADER_NAMES, provides
from cfgkit.config._load.parsing import parse_python, parse_tree, top_level_base_statement
from cfgkit.config._load.source_lines import target_path
from cfgkit.config.config_dict import deferred_building, to_config_tree
from cfgkit.config.lazy import LazyObject
from cfgkit.errors import ConfigParsingError, MissingBaseNameError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from typing import Any, Optional

    from cfgkit._contracts import ConfigTree, KeyPath
else:
    ast = lazy_module("ast")  # lazy: see cfgkit._lazy_modules

__all__ = ["is_pure_python", "load_pure_python"]

READ_BASE = "read_base"
# What mmengine counts as standard when it decides the style: its own config package, and
# `from mmengine import Config` (cfgkit's own spellings too).
_STANDARD_PREFIXES = ("mmengine.config", "cfgkit.config")
_CLASSIC_IMPORT = ("mmengine", "cfgkit"), ["Config"]
# A statement that could make a file pure-Python starts a line with one of these words.
_DECISIVE_WORD = lazy_pattern(r"(?m)(?:^|;)[ \t]*(?:with|import|from)\b")


class PurePythonConfig(NamedTuple):
    """A loaded pure-Python config: its names, which of them imports bound, and its text."""

    filename: str
    tree: dict[str, Any]
    imported_names: set[str]
    text: str
    layers: tuple[SourceLayer, ...] = ()
    base_count: int = 0  # the bases it uses, counted as they are loaded (BaseBudget)


class _Load(NamedTuple):
    """What one load of a pure-Python config shares across its files: each file's result
    (a base imported again, by any file, is not run again), the bases used so far, and in
    safe mode the folders files must be inside (a package base's chain reads under a copy
    with more roots, sharing the results and the count)."""

    safe: bool
    roots: Optional[tuple[str, ...]]
    provenance: bool
    # Each file's result, by its path and the roots it was read under.
    loaded: dict[tuple[str, Optional[tuple[str, ...]]], PurePythonConfig]
    budget: BaseBudget


@functools.cache  # one set, made on first use
def _standard_modules() -> frozenset[str]:
    names = getattr(sys, "stdlib_module_names", None)
    if names is None:  # Python 3.9: the table shipped beside this module
        listing = os.path.join(os.path.dirname(__file__), "stdlib-3.9.txt")
        with open(listing, encoding="utf-8") as stream:
            names = [line.strip() for line in stream if line.strip()[:1] not in ("", "#")]
    return frozenset(names) | frozenset(sys.builtin_module_names)


def _is_standard(module: str) -> bool:
    return module.partition(".")[0] in _standard_modules()


def _counts_as_standard(module: str) -> bool:
    return module.startswith(_STANDARD_PREFIXES) or _is_standard(module)


def _decide(node: ast.AST, filename: str) -> Optional[bool]:
    """What one statement says about the style: True, False, or None (nothing)."""
    if isinstance(node, ast.Assign):
        target = node.targets[0]
        return False if isinstance(target, ast.Name) and target.id == BASE_KEY else None
    if isinstance(node, ast.With):
        if not _is_read_base(node):
            raise ConfigParsingError(
                "Only `read_base` context manager can be used in the config",
                filename=filename,
                lineno=node.lineno,
            )
        return True
    if isinstance(node, ast.ImportFrom):
        if node.level:
            return True
        packages, names = _CLASSIC_IMPORT
        if node.module in packages and [alias.name for alias in node.names] == names:
            return None
        return None if node.module is None or _counts_as_standard(node.module) else True
    if isinstance(node, ast.Import):
        return any(not _counts_as_standard(alias.name) for alias in node.names) or None
    return None


def is_pure_python(text: str, filename: str) -> bool:
    """Tell whether a ``.py`` config, as written, is in the pure-Python style.

    mmengine's rule, decided on the raw text before any text pass: the first decisive
    statement, breadth first, wins; ``_base_ = ...`` means classic; ``with read_base():``,
    a relative import, or an import of a module outside the standard library means
    pure-Python. Unlike mmengine, every standard-library module counts as standard, on every
    Python and in a virtual environment; a text that is not Python yet (``{{ $VAR }}``
    outside a string) is classic, and the classic loader reports any real syntax error.

    Args:
        text: The file's text as it is on disk.
        filename: The file, named in errors.

    Raises:
        ConfigParsingError: A ``with`` statement uses something other than ``read_base()``.
    """
    # (Most configs hold none of the words at all, which is quicker to see than the pattern.)
    if ("import" not in text and "from" not in text and "with" not in text) or (
        _DECISIVE_WORD.search(text) is None
    ):
        return False
    # Statements are decided breadth first, so a top-level `_base_ = ...` with no decisive
    # word before it is the first decisive statement: classic, no syntax tree needed.
    base = top_level_base_statement(text)
    if base is not None and _DECISIVE_WORD.search(base[1]) is None:
        return False
    try:
        tree = parse_tree(text, filename)
    except (SyntaxError, ValueError):
        return False
    for node in ast.walk(tree):
        decision = _decide(node, filename)
        if decision is not None:
            return decision
    return False


def _is_read_base(statement: ast.stmt) -> bool:
    if not isinstance(statement, ast.With) or len(statement.items) != 1:
        return False
    expression = statement.items[0].context_expr
    return (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Name)
        and expression.func.id == "read_base"
    )


def _error(message: str, filename: str, node: Optional[ast.AST] = None) -> ConfigParsingError:
    return ConfigParsingError(message, filename=filename, lineno=getattr(node, "lineno", None))


def _base_path(node: ast.ImportFrom, filename: str, load: _Load) -> tuple[str, _Load]:
    """The file a base import names, and the load context its chain reads under (for a
    package base in safe mode, ``load`` widened to the package's folder)."""
    module = node.module or ""
    context = load
    if node.level:
        folder = os.path.dirname(filename)
        parts = [".."] * (node.level - 1) + module.split(".")
        path = os.path.join(folder, *parts) + ".py"
    else:
        parts = module.split(".")
        if len(parts) == 1:
            raise _error(
                f"The imported configuration file should not be an independent package "
                f"{module}; import a config module inside it, like "
                "`with read_base(): from mmdet.configs.retinanet_r50_fpn_1x_coco import *`",
                filename,
                node,
            )
        directory = package_directory(parts[0])
        if directory is None:
            message = f"{parts[0]} is not installed, so its configs cannot be bases"
            raise _error(message, filename, node)
        path = os.path.join(directory, *parts[1:]) + ".py"
        if load.roots is not None:  # the package's folder is a root for its chain
            context = load._replace(roots=(*load.roots, os.path.realpath(directory)))
    # Only a missing file is this error: one that exists but is not a regular file (a FIFO,
    # a device) is refused by read_text, which never blocks on it.
    if not os.path.lexists(path) or os.path.isdir(path):
        dots = "." * node.level
        raise _error(
            f"{path} not found! It means that incorrect module is defined in "
            f"`with read_base(): from {dots}{module} import ...`; make sure the base config "
            "module exists",
            filename,
            node,
        )
    roots = context.roots
    if roots is not None and not inside_roots(path, roots):
        raise outside_roots_error(os.path.abspath(path), roots, filename, node.lineno, key=None)
    return os.path.abspath(path), context


def load_pure_python(
    filename: str,
    chain: tuple[str, ...] = (),
    source_name: Optional[str] = None,
    safe: bool = False,
    safe_roots: Optional[tuple[str, ...]] = None,
    provenance: bool = True,
) -> PurePythonConfig:
    """Load a pure-Python config file and its bases.

    Each file is loaded once per load: a base imported again (a diamond) reuses its result,
    counted as loaded again against :data:`~cfgkit.config._load.files.MAX_BASES_PER_LOAD`.

    Args:
        filename: The absolute path.
        chain: The files being loaded that lead to this one (for cycle detection).
        source_name: What ``__file__`` is in the config (the name the user gave).
        safe: Interpret the files with :mod:`~cfgkit.config._load.safe_python` instead of running
            them.
        safe_roots: With ``safe``, the folders (real paths) every file must be inside
            (:func:`~cfgkit.config._load.files.safe_roots`); None reads files anywhere.
        provenance: Keep a layer per file (what it changed or wrote), for provenance.

    Returns:
        The loaded config.

    Raises:
        ConfigParsingError: The file breaks the rules of the style (``_base_`` used, a base
            import that is not ``from ... import``, a missing base, a cycle); the message
            names the file and line.
        ConfigExecutionError: The config raised while running (also the original type).
        UnsafeConfigError: In safe mode, a file is outside ``safe_roots``.
    """
    load = _Load(safe, safe_roots if safe else None, provenance, {}, BaseBudget())
    return _load_file(filename, chain, source_name, load)


def _load_file(
    filename: str, chain: tuple[str, ...], source_name: Optional[str], load: _Load
) -> PurePythonConfig:
    safe = load.safe
    check_not_loading(filename, chain, chain[-1] if chain else None)
    text = read_text(filename, chain[-1] if chain else None, roots=load.roots)
    module = parse_python(text, filename)
    _check_statements(module, filename, chain)
    namespace: dict[str, Any] = {"__file__": source_name or filename}
    imported: set[str] = set()
    body: list[ast.stmt] = []
    # What the bases gave (their values, untouched) and their layers, for provenance.
    inherited: dict[str, Any] = {}
    layers: list[SourceLayer] = []
    base_count = 0
    written = _written_paths(module.body) if load.provenance else []
    for statement in module.body:
        if isinstance(statement, ast.With):  # the one read_base() block (_check_statements)
            for inner in statement.body:
                names, base_layers, uses = _bind_base(
                    inner, filename, (*chain, filename), namespace, imported, load
                )
                base_count += uses
                layers.extend(base_layers)
                inherited.update(names)
            continue
        body.extend(_transform(statement, filename, namespace, imported, safe))
    top_level = [
        ast.Assign(
            targets=[ast.Name(id=holder[len("__cfgkit_module_") : -2], ctx=ast.Store())],
            value=ast.Name(id=holder, ctx=ast.Load()),
        )
        for holder in namespace
        if holder.startswith("__cfgkit_module_")
    ]
    module.body = [*top_level, *body] or [ast.Pass()]
    ast.fix_missing_locations(module)
    if safe:
        from cfgkit.config._load import safe_python  # lazy: only safe mode needs the interpreter

        with deferred_building():
            safe_python.run_module(module, namespace, filename)
        namespace = {k: v for k, v in namespace.items() if not isinstance(v, safe_python.DROPPED)}
    else:
        code = compile(module, filename, "exec")
        with deferred_building():
            try:
                exec(code, namespace)
            except (Exception, SystemExit) as error:
                from cfgkit._located import located  # lazy: only an error needs it

                raise located(error, filename)  # noqa: B904 - the original is its __cause__
    tree = {
        key: value
        for key, value in namespace.items()
        if not key.startswith("__") and not isinstance(value, types.ModuleType)
    }
    if load.provenance:
        layers.append(_own_layer(filename, text, inherited, tree, imported, written))
    return PurePythonConfig(filename, tree, imported, text, tuple(layers), base_count)


def _written_paths(statements: list[ast.stmt]) -> list[KeyPath]:
    """The key paths a pure-Python config assigns, augments or deletes, at the top level or
    in its blocks (not in functions or classes): provenance credits them to the file even
    when the value written equals the inherited one."""
    paths: list[KeyPath] = []
    pending = list(statements)
    while pending:
        statement = pending.pop(0)
        if isinstance(statement, (ast.Assign, ast.Delete)):
            targets = statement.targets
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            targets = [statement.target]
        else:
            if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for field in ("body", "orelse", "finalbody"):
                    pending.extend(getattr(statement, field, None) or [])
            continue
        for target in targets:
            path = target_path(target)
            if path is not None:
                paths.append(path)
    return paths


def _own_layer(
    filename: str,
    text: str,
    inherited: ConfigTree,
    tree: ConfigTree,
    imported: set[str],
    written: list[KeyPath],
) -> SourceLayer:
    """The file's layer: what it changed from what its bases gave, and what it wrote."""
    result = {key: value for key, value in tree.items() if key not in imported}
    own = changed_keys({k: v for k, v in inherited.items() if k not in imported}, result)
    for path in written:
        _credit(own, result, path)
    return SourceLayer(filename, PYTHON_EXTENSION, own, text, text, result)


def _credit(own: ConfigTree, result: ConfigTree, path: KeyPath) -> None:
    """Put the value ``result`` holds at ``path`` into ``own`` (dicts made along the way)."""
    value: Any = result
    for key in path:
        if isinstance(value, dict) and key in value:
            value = dict.__getitem__(value, key)
        elif isinstance(value, (list, tuple)) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return  # deleted since, or written through a name that is not a key
    # Nested dicts of a config may have keys of any hashable type, as the path's parts.
    node: Any = own
    for key in path[:-1]:
        child = node.get(key) if isinstance(node, dict) else None
        if not isinstance(child, dict):
            if child is not None:
                return  # already credited as a whole (a list, or a value)
            child = node[key] = {}
        node = child
    node[path[-1]] = value


def _check_statements(module: ast.Module, filename: str, chain: tuple[str, ...]) -> None:
    """Refuse ``_base_ = ...`` anywhere, and any ``read_base()`` block but one at the top."""
    top_level_blocks = [s for s in module.body if isinstance(s, ast.With)]
    for node in ast.walk(module):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == BASE_KEY for t in node.targets
        ):
            if chain:
                message = (
                    "The configuration file type in the inheritance chain must match the "
                    f"current configuration file type: {chain[-1]} is a pure-Python config "
                    f"but its base {filename} is a classic `_base_` config"
                )
            else:
                message = "A pure-Python config cannot use `_base_ = ...`"
            raise _error(
                f"{message}: you use the syntax like `_base_ = [...]`; mark the bases with "
                "`with read_base(): from .base import *` instead",
                filename,
                node,
            )
        if isinstance(node, ast.With) and node not in top_level_blocks:
            raise _error(
                "`with read_base():` must be a statement at the top level of the config, "
                "not inside another block",
                filename,
                node,
            )
    if len(top_level_blocks) > 1:
        raise _error(
            f"A config has one `with read_base():` block; this one repeats the block of line "
            f"{top_level_blocks[0].lineno}: put all base imports in the first",
            filename,
            top_level_blocks[1],
        )


def _bind_base(
    node: ast.stmt,
    filename: str,
    chain: tuple[str, ...],
    namespace: dict[str, object],
    imported: set[str],
    load: _Load,
) -> tuple[dict[str, Any], tuple[SourceLayer, ...], int]:
    """Bind what one base import names; return the names bound (to the base's own values),
    its layers, and the base files it used (itself and its bases)."""
    if not isinstance(node, ast.ImportFrom):
        raise _error(
            "Illegal syntax in config file! Only `from ... import ...` can be used in "
            "`with read_base()`",
            filename,
            node,
        )
    if node.module is None:
        raise _error(
            "Illegal syntax in config file! `from . import xxx` is not allowed in "
            "`with read_base()`: name the base module (`from .base import *`)",
            filename,
            node,
        )
    path, context = _base_path(node, filename, load)
    load.budget.charge(1, filename, node.lineno)
    base = load.loaded.get((path, context.roots))
    if base is None:
        base = _load_file(path, chain, None, context)
        load.loaded[(path, context.roots)] = base
    else:
        load.budget.charge(base.base_count, filename, node.lineno)  # as if loaded again
    imported |= base.imported_names
    # Fresh ConfigDicts, so that `model.backbone.depth = 101` here changes this config only.
    values = to_config_tree(base.tree)
    names: dict[str, Any] = {}
    for alias in node.names:
        if alias.name == "*":
            # dict's own update: ConfigDict item access would build lazy objects.
            dict.update(namespace, dict.items(values))
            names.update(base.tree)
        elif alias.name in values:
            namespace[alias.asname or alias.name] = dict.__getitem__(values, alias.name)
            names[alias.asname or alias.name] = base.tree[alias.name]
        else:
            raise MissingBaseNameError(
                f"cannot import name {alias.name!r} from base config {base.filename}",
                filename=filename,
                lineno=node.lineno,
                key=alias.name,
            )
    return names, base.layers, 1 + base.base_count


def _transform(
    statement: ast.stmt,
    filename: str,
    namespace: dict[str, object],
    imported: set[str],
    safe: bool = False,
) -> list[ast.stmt]:
    """The statements to run for one top-level statement (imports made lazy)."""
    if isinstance(statement, ast.ImportFrom):
        module = "." * statement.level + (statement.module or "")
        # (A relative module is never one of the loader's.)
        if provides(module, [alias.name for alias in statement.names]):
            return [
                _bind(alias.asname or alias.name, LOADER_NAMES[alias.name], statement,
                      namespace, imported)
                for alias in statement.names
            ]  # fmt: skip
        # What the loader's modules (not standard ones) do not provide is imported lazily.
        if statement.level == 0 and _is_standard(module):
            for alias in statement.names:
                if alias.name == "*":
                    raise _error("Cannot import * from non-base config", filename, statement)
                imported.add(alias.asname or alias.name)
            return [statement]
        bound = []
        for alias in statement.names:
            if alias.name == "*":
                raise _error(
                    "Illegal syntax in config! `from xxx import *` is not allowed outside "
                    "`with read_base():`",
                    filename,
                    statement,
                )
            location = f"{filename}, line {getattr(alias, 'lineno', statement.lineno)}"
            lazy = LazyObject(module, alias.name, location, inert=safe)
            bound.append(_bind(alias.asname or alias.name, lazy, statement, namespace, imported))
        return bound
    if isinstance(statement, ast.Import):
        if len(statement.names) != 1:
            raise _error(
                "Illegal syntax in config! import multiple modules in one line is not supported",
                filename,
                statement,
            )
        alias = statement.names[0]
        if _is_standard(alias.name):
            if alias.asname is not None:
                imported.add(alias.asname)
            return [statement]
        location = f"{filename}, line {statement.lineno}"
        if alias.asname is not None:
            lazy = LazyObject(alias.name, location=location, inert=safe)
            return [_bind(alias.asname, lazy, statement, namespace, imported)]
        # `import a.b` binds `a`, before anything else runs (as mmengine does); several
        # such imports share one lazy object.
        top = alias.name.split(".")[0]
        holder = f"__cfgkit_module_{top}__"
        previous: Any = namespace.get(holder)  # None, or the LazyObject bound below
        modules = [*previous._module, alias.name] if previous is not None else [alias.name]
        namespace[holder] = LazyObject(modules, location=location, inert=safe)
        imported.add(top)
        return []
    return [statement]


def _bind(
    name: str, value: object, statement: ast.stmt, namespace: dict[str, object], imported: set[str]
) -> ast.stmt:
    """``name = value`` as a statement in the place of an import, so that the names a
    config binds come in the order mmengine binds them."""
    holder = f"__cfgkit_bound_{len(namespace)}__"
    namespace[holder] = value
    imported.add(name)
    assignment = ast.Assign(
        targets=[ast.Name(id=name, ctx=ast.Store())], value=ast.Name(id=holder, ctx=ast.Load())
    )
    return ast.copy_location(assignment, statement)
