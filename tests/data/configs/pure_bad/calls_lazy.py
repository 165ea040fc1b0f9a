from fakelib.models import ResNet

model = ResNet(depth=1)
