from fakelib.models import ResNet

model = dict(type=ResNet)
value = undefined_name
