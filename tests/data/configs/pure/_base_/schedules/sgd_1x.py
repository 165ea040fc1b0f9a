import fakelib.schedulers as schedulers
from fakelib.optim import SGD

optim_wrapper = dict(optimizer=dict(type=SGD, lr=0.02, momentum=0.9))
param_scheduler = [dict(type=schedulers.MultiStepLR, milestones=[8, 11])]
max_epochs = 12
