"""The backstop of safe mode: a safe load in a separate process under hard limits.

Safe mode's interpreter charges every operation for its work before it runs it
(:mod:`cfgkit.config._load.safe_python`). This module is for the families of attack nobody has
thought of yet: the whole safe load runs in a worker process limited to
:data:`MAX_MEMORY` bytes of address space (``RLIMIT_AS``) and :data:`CPU_SECONDS` of CPU
per load (``RLIMIT_CPU``), with a wall-clock deadline; a worker that runs out of either,
crashes or stops answering is killed and a new one started for the next load. The worker
is started on first use and reused (a process per load would cost more than the load).

Only data comes back: the loaded tree, encoded as JSON with the containers tagged (no
pickle: a worker that an attack subverted could otherwise run code in the caller), at most
:data:`MAX_REPLY` bytes, decoded with a depth limit and size-checked again on arrival.

Used when ``CFGKIT_SAFE_ISOLATE=1`` is in the environment (``Config.fromfile(...,
safe=True)`` and every ``cfgkit ... --safe`` command then go through it), or called
directly with :func:`load_isolated`. The config it returns has the values, not the
provenance (``explain`` has no layers to show).
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import json
import math
import os
import struct
import subprocess
import sys
import threading

from cfgkit import errors
from cfgkit._located import execution_error_class
from cfgkit.config._load.value_size import MAX_DEPTH
from cfgkit.config.lazy import LazyAttr, LazyObject

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any, Iterable, Mapping, Optional, Sequence

__all__ = ["CPU_SECONDS", "WALL_SECONDS", "load_isolated", "worker_process_id"]

MAX_MEMORY = 2 << 30  # bytes of address space of the worker
CPU_SECONDS = 10  # of CPU per load
WALL_SECONDS = 30  # per load, however the worker spends them
MAX_REPLY = 256 << 20  # bytes of an encoded result
ENVIRONMENT_FLAG = "CFGKIT_SAFE_ISOLATE"
_HEADER = struct.Struct("!Q")


def isolation_requested() -> bool:
    """Whether ``CFGKIT_SAFE_ISOLATE=1`` asks safe loads to run in the worker."""
    return os.environ.get(ENVIRONMENT_FLAG) == "1"


# -- encoding: plain trees only ------------------------------------------------------------


def _encode(value: object, depth: int = 0) -> object:
    if depth > MAX_DEPTH + 2:
        raise ValueError("nested too deeply to send")
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if isinstance(value, int) and kind is int:
        return value if abs(value) < 1 << 53 else {"int": hex(value)}
    if isinstance(value, float) and kind is float:
        return value if math.isfinite(value) else {"float": repr(value)}
    nested = depth + 1
    if isinstance(value, dict):
        return {"dict": [[_encode(k, nested), _encode(v, nested)] for k, v in value.items()]}
    for tag, container in _CONTAINER_TAGS.items():
        if kind is container:
            items: Iterable[object] = value  # type: ignore[assignment]  # kind is a container
            return {tag: [_encode(item, nested) for item in items]}
    if isinstance(value, LazyObject):
        module = value._module if isinstance(value._module, str) else list(value._module)
        return {"lazy": [module, value._imported, value.location]}
    if isinstance(value, LazyAttr):
        return {"attr": [value.name, _encode(value.source, nested), value.location]}
    raise ValueError(f"a value of type {kind.__name__} cannot be sent")


_CONTAINER_TAGS: dict[str, type] = {kind.__name__: kind for kind in (list, tuple, set, frozenset)}


def _decode(value: object, depth: int = 0) -> object:
    if depth > MAX_DEPTH + 2:
        raise ValueError("nested too deeply")
    if value is None or type(value) in (str, bool, int, float):
        return value
    if type(value) is not dict or len(value) != 1:
        raise ValueError("not a tagged value")
    ((tag, content),) = value.items()
    nested = depth + 1
    if tag == "int" and type(content) is str:
        return int(content, 16)
    if tag == "float" and content in ("inf", "-inf", "nan"):
        return float(content)
    if tag == "dict" and type(content) is list:
        return {_decode(k, nested): _decode(v, nested) for k, v in content}
    container = _CONTAINER_TAGS.get(tag)
    if container is not None and type(content) is list:
        return container(_decode(item, nested) for item in content)
    if tag == "lazy" and type(content) is list and len(content) == 3:
        module, imported, location = content
        if isinstance(module, list):
            module = tuple(module)
        return LazyObject(module, imported, location, inert=True)
    if tag == "attr" and type(content) is list and len(content) == 3:
        source = _decode(content[1], nested)
        if not isinstance(source, (LazyObject, LazyAttr)) or type(content[0]) is not str:
            raise ValueError("not a lazy attribute")
        return LazyAttr(content[0], source, content[2])
    raise ValueError(f"an unknown tag {tag!r}")


def _rebuild_error(reply: dict[str, Any], path: str) -> errors.CfgkitError:
    """The error the worker reported, as a cfgkit error of the same family, found by the
    names of its classes (never unpickled)."""
    names = [c for c in reply.get("classes", []) if isinstance(c, str)]
    message = str(reply.get("message", "the config failed in the isolated worker"))
    filename = reply.get("filename") if isinstance(reply.get("filename"), str) else path
    lineno = reply.get("lineno") if type(reply.get("lineno")) is int else None
    general = ("ConfigExecutionError", "ConfigError", "CfgkitError")
    cls: Any = errors.ConfigError
    specific = [getattr(errors, n, None) for n in names if n not in general]
    found = [c for c in specific if isinstance(c, type) and issubclass(c, errors.CfgkitError)]
    builtin = [getattr(builtins, n, None) for n in names if n not in ("Exception", "BaseException")]
    originals = [b for b in builtin if isinstance(b, type) and issubclass(b, BaseException)]
    if found:
        cls = found[0]
    elif originals:
        cls = execution_error_class(originals[0])
    made: Any = errors.new_error(cls, (message,))
    made.args = (message,)
    made.message, made.filename, made.lineno, made.key = message, filename, lineno, None
    return made  # type: ignore[no-any-return]  # new_error made an instance of cls


# -- the worker ----------------------------------------------------------------------------


def _read_message(stream: IO[bytes], limit: int) -> object:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (length,) = _HEADER.unpack(header)
    if length > limit:
        raise ValueError(f"a message of {length:,} bytes (more than {limit:,})")
    data = stream.read(length)
    if len(data) < length:
        return None
    return json.loads(data)


def _write_message(stream: IO[bytes], message: object) -> None:
    data = json.dumps(message, allow_nan=False).encode("utf-8")
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def serve() -> None:
    """The worker's loop: one safe load per request, until its input closes."""
    import resource  # lazy: only the worker sets limits

    from cfgkit import Config  # the worker loads configs; the caller only decodes

    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing a load prints may corrupt the replies
    while True:
        request: Any = _read_message(requests, 1 << 20)  # the parent's {"path", "options"}
        if request is None:
            return
        usage = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(usage.ru_utime + usage.ru_stime)
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        resource.setrlimit(resource.RLIMIT_CPU, (spent + CPU_SECONDS, hard))
        try:
            cfg = Config.fromfile(request["path"], safe=True, **request["options"])
            reply: dict[str, object] = {"tree": _encode(cfg.to_dict())}
        except (errors.CfgkitError, MemoryError, RecursionError, ValueError) as error:
            reply = {  # the parent rebuilds it (_rebuild_error)
                "error": {
                    "classes": [cls.__name__ for cls in type(error).__mro__],
                    "message": str(getattr(error, "message", None) or error)[:10_000],
                    "filename": getattr(error, "filename", None),
                    "lineno": getattr(error, "lineno", None),
                }
            }
        _write_message(replies, reply)


def _limits() -> None:  # in the worker, before Python starts
    import resource  # lazy: only the worker sets limits

    resource.setrlimit(resource.RLIMIT_AS, (MAX_MEMORY, MAX_MEMORY))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class _Worker:
    def __init__(self) -> None:
        environment = {k: v for k, v in os.environ.items() if k != ENVIRONMENT_FLAG}
        code = (
            "import sys; sys.path[:0] = " + repr([p for p in sys.path if p]) + "\n"
            "from cfgkit.config._load.safe_worker import serve; serve()"
        )
        self.process = subprocess.Popen(  # noqa: S603 - this Python, our own code
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            preexec_fn=_limits,
            env=environment,
        )

    def load(self, path: str, options: Mapping[str, object]) -> object:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None  # both opened as pipes
        assert stdout is not None
        _write_message(stdin, {"path": path, "options": options})
        reply: list[object] = []

        def read() -> None:
            try:
                reply.append(_read_message(stdout, MAX_REPLY))
            except Exception:  # a malformed reply: as if none came
                reply.append(None)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(WALL_SECONDS)
        if reader.is_alive():
            self.kill()
            raise errors.UnsafeConfigError(
                f"Safe mode's isolated load did not finish within {WALL_SECONDS} s",
                filename=path,
            )
        if not reply or reply[0] is None:
            self.kill()
            status = self.process.poll()
            raise errors.UnsafeConfigError(
                "Safe mode's isolated load ended without a result (the worker "
                f"{'exited with status ' + str(status) if status is not None else 'failed'}: "
                f"out of memory ({MAX_MEMORY >> 20} MB) or of CPU time ({CPU_SECONDS} s), "
                "or crashed)",
                filename=path,
            )
        return reply[0]

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


_LOCK = threading.Lock()
_CURRENT: list[_Worker] = []


def worker_process_id() -> Optional[int]:
    """The process id of the worker, if one is running (None before the first isolated
    load, and after a worker was killed until the next)."""
    with _LOCK:
        if _CURRENT and _CURRENT[0].process.poll() is None:
            return _CURRENT[0].process.pid
    return None


@atexit.register
def _shut_down() -> None:
    """End the worker with the caller: its input closes, and it is waited for."""
    for worker in _CURRENT:
        if worker.process.stdin is not None:
            worker.process.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=2)
        worker.kill()  # if it has not ended by now; and its pipes closed


def load_isolated(
    path: str,
    *,
    use_predefined_variables: bool = True,
    use_environment_variables: bool = True,
    lazy_import: Optional[bool] = None,
    safe_roots: Sequence[str] = (),
) -> dict[object, object]:
    """Load ``path`` with ``safe=True`` in the limited worker and return its plain tree.

    Args:
        path: The config file.
        use_predefined_variables: As for ``Config.fromfile``.
        use_environment_variables: As for ``Config.fromfile``.
        lazy_import: As for ``Config.fromfile``.
        safe_roots: The folders files may be read from (``safe_root=``).

    Returns:
        The loaded values (``cfg.to_dict()``), checked again here for size and depth.

    Raises:
        UnsafeConfigError: The worker refused the config, ran out of memory or CPU time,
            crashed, or answered with something that is not a bounded plain tree.
        ConfigError: Any other error of the load, of the same family as in the worker.
    """
    from cfgkit.config._load import safe_python  # lazy: the check of the tree on arrival

    options = {
        "use_predefined_variables": use_predefined_variables,
        "use_environment_variables": use_environment_variables,
        "lazy_import": lazy_import,
        "safe_root": list(safe_roots) or None,
    }
    with _LOCK:
        if not _CURRENT or _CURRENT[0].process.poll() is not None:
            _CURRENT[:] = [_Worker()]
        try:
            reply = _CURRENT[0].load(path, options)
        except errors.UnsafeConfigError:
            _CURRENT.clear()
            raise
    if isinstance(reply, dict) and isinstance(reply.get("error"), dict):
        raise _rebuild_error(reply["error"], path)
    try:
        tree = _decode(reply.get("tree")) if isinstance(reply, dict) else None
    except (ValueError, TypeError, RecursionError) as error:
        raise errors.UnsafeConfigError(
            f"Safe mode's isolated load sent a malformed tree ({error})", filename=path
        ) from None
    if not isinstance(tree, dict):
        raise errors.UnsafeConfigError("Safe mode's isolated load sent no tree", filename=path)
    safe_python.check_result(tree, path)
    return tree
