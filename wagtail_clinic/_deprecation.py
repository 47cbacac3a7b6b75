"""Old import paths kept for one release: the one helper for their shims.

Layer 0. A shim module imports the new home and sets::

    __getattr__ = forward(__name__, new_module, ["name", ...])

so that ``from old.path import name`` still gives the very same object, with
a ``DeprecationWarning`` naming the new path.
"""

import warnings


__all__ = ["forward"]


def forward(module_name, new_module, names):
    """A module ``__getattr__`` forwarding ``names`` to ``new_module``.

    Args:
        module_name: the deprecated module's ``__name__``.
        new_module: the module the names now live in, or a sequence of
            modules (each name comes from the first one that has it).
        names: the names still importable from the old path.

    Returns:
        A function for the old module's ``__getattr__`` (PEP 562): it warns
        (``DeprecationWarning``, pointing at the importing code) and returns
        the new module's object itself; other names raise ``AttributeError``.
    """
    modules = new_module if isinstance(new_module, (list, tuple)) else [new_module]
    homes = {}
    for name in names:
        homes[name] = next(module for module in modules if hasattr(module, name))

    def __getattr__(name):
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        warnings.warn(
            f"{module_name}.{name} is deprecated: import it from "
            f"{home.__name__} (the old path goes in 0.2).",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(home, name)

    return __getattr__
