"""A package that ships configs in .mim/configs, like OpenMMLab packages."""
