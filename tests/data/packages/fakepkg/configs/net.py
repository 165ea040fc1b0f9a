from fakelib.models import ResNet

backbone = dict(type=ResNet, depth=18)
