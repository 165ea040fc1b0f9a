_base_ = ['_base_/model.py', '_base_/schedule.py']
# Reading base values through the `_base_` name, and changing one in place.
lr = _base_.optim_wrapper.optimizer.lr * 2
milestones = _base_.param_scheduler[1]['milestones']
_base_.model.backbone.norm_cfg.type = 'SyncBN'
head = _base_.model.head
head.num_classes = 20
