from mmengine.config import read_base

with read_base():
    from ._base_.models.retinanet import model as base_model
    from ._base_.schedules.sgd_1x import max_epochs, optim_wrapper

model = base_model
model.neck.in_channels = [128, 256]
epochs = max_epochs * 2
