"""A static index of OpenMMLab-style registries, read from source with :mod:`ast`.

``cfgkit check`` uses it to check configs of projects whose registries cannot be imported
here (they need torch, CUDA extensions and seconds of start-up): :mod:`.summary` reads one
file, :mod:`.packages` finds packages without importing them and caches their summaries,
:mod:`.resolve` ties names, registries and signatures together.
"""
