import fakelib.models, fakelib.optim
