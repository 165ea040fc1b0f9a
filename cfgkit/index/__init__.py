"""A static index of OpenMMLab-style registries, read from source with :mod:`ast`.

``cfgkit check`` (and every tool that must not import a project: its registries need torch,
CUDA extensions and seconds of start-up) asks it what a build would find: :class:`Index`
with :meth:`Index.lookup` (``Registry.lookup``'s rules over sources) and :meth:`Index.find`
(what a build in a scope finds). Inside: :mod:`._summary` reads one file, :mod:`._packages`
finds packages without importing them and caches their summaries, :mod:`._resolve` ties
names, registries and signatures together.
"""

from cfgkit.index._resolve import Index, Registration, StaticRegistry

__all__ = ["Index", "Registration", "StaticRegistry"]
