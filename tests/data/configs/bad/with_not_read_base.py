from contextlib import suppress
with suppress(Exception):
    a = 1
