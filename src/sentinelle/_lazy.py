"""Modules imported on first use (issue 6, start-up): :func:`lazy_import`.

Used for libraries only some files need (``phonenumbers``: the phone detector's validation,
0.04 CPU s). The module is imported on the first attribute read of the object returned, by
:func:`importlib.import_module` under a lock; the object then gets a copy of the module's
namespace and becomes a plain module object (its class is set to ``types.ModuleType``, as
``LazyLoader`` does), so reading an attribute costs what it costs on the module itself (a
``__getattr__`` hook left in place made each read 6 times slower). It is a snapshot: an
attribute the module gains later (a submodule imported afterwards) is not on it.

Why not the standard library's recipe (``importlib.util.LazyLoader``): before Python 3.12.3 it
is not thread-safe (CPython issue gh-114763, fixed in 3.12.3): a second thread reading an
attribute while the first thread runs the module's code sees a half-initialised module and
gets ``AttributeError``. This project runs on 3.11 (the venv's Python is 3.11.7) and the
detectors are read from several threads (``test_set_up_from_two_threads_at_once``), so the
loading here is our own, on public interfaces only, and the same on every version.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

#: one lock for every first load (loads are rare: one per lazy module and process); an RLock
#: so that a module whose import reads another lazy module does not deadlock
_LOCK = threading.RLock()


class _LazyModule(types.ModuleType):
    """Stands for module ``__name__`` until its first attribute read; then a copy of its
    namespace. ``__getattr__`` runs only for names not (yet) in the instance's ``__dict__``."""

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__") and attr not in ("__all__", "__version__",
                                                                          "__path__", "__file__"):
            raise AttributeError(attr)  # copy, pickle and introspection probes load nothing
        module = _load(self.__name__, self)
        return getattr(module, attr)

    def __dir__(self):
        return dir(_load(self.__name__, self))

    def __repr__(self) -> str:
        loaded = "loaded" if self.__dict__.get("_lazy_loaded") else "not loaded yet"
        return f"<lazy module {self.__name__!r} ({loaded})>"


def _load(name: str, proxy: _LazyModule) -> types.ModuleType:
    """Import ``name`` (once, under :data:`_LOCK`) and copy its namespace into ``proxy``."""
    module = sys.modules.get(name)
    if module is not None and proxy.__dict__.get("_lazy_loaded"):
        return module
    with _LOCK:
        module = importlib.import_module(name)  # thread-safe: the import system's module locks
        if not proxy.__dict__.get("_lazy_loaded"):
            namespace = dict(module.__dict__)
            namespace["_lazy_loaded"] = True
            proxy.__dict__.update(namespace)  # one C call: no thread sees half of it
            proxy.__class__ = types.ModuleType  # no hook any more: plain attribute reads
    return module


def lazy_import(name: str):
    """``name``'s module, as is when already imported, else a module object whose first
    attribute read imports it (thread-safe). Raises ``ModuleNotFoundError`` when it is not
    installed (found now, not on first use)."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    return _LazyModule(name)


__all__ = ["lazy_import"]
