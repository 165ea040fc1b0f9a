scales = [(1333, 640), (1333, 800)]
base = 10


def offset(x):
    # Nested functions read the config's globals, as in mmengine.
    return x + base


pipeline = [dict(type='Resize', scale=s, keep_ratio=True) for s in scales]
shifted = [offset(i) for i in range(3)]
table = {f'k{i}': i * base for i in range(2)}
flags = dict(enabled=True, ratio=0.5, nothing=None, text="it's \"quoted\"\nnewline")
nested = [[1, (2, 3)], {'a': [dict(b=1)]}]
tup = (1,)
empty = dict()
