_base_ = './toydet_mlp_voc.py'

# Train on three of the classes. The dataset base wrote `classes=classes` into
# train_dataloader.dataset, so that key still holds all twenty: a stale copy, which
# `cfgkit check` reports and `--follow-references` (follow_references=True) follows.
classes = ('cat', 'dog', 'person')
model = dict(num_classes=3)
