from fakelib.datasets import CocoDataset
from fakelib.transforms import LoadImage, Resize

dataset_type = CocoDataset
data_root = 'data/coco/'
train_pipeline = [dict(type=LoadImage), dict(type=Resize, scale=(1333, 800))]
train_dataloader = dict(
    batch_size=2,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
