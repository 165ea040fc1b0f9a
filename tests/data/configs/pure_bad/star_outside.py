from fakelib.models import *
