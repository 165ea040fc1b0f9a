_base_ = ['fakepkg::_base_/aug_dataset.py']
train_dataloader = dict(dataset=dict(type='Folder', pipeline={{_base_.train_pipeline}}))
