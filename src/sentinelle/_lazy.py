"""Modules imported on first use (issue 6, start-up): :func:`lazy_import`.

The standard library's recipe (``importlib.util.LazyLoader``, see the :mod:`importlib`
documentation, "Implementing lazy imports"): the module object is registered in
``sys.modules`` at once and its code runs on the first attribute access, after which it is a
plain module (attribute reads cost as before). Used for libraries only some files need
(``phonenumbers``: the phone detector's validation, 0.04 CPU s).
"""

from __future__ import annotations

import importlib.util
import sys


def lazy_import(name: str):
    """``name``'s module, imported now when already loaded, else on first attribute access.
    Raises ``ModuleNotFoundError`` when it is not installed (found now, not on first use)."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


__all__ = ["lazy_import"]
