custom_imports = dict(imports=['cfgkit_no_such_module_xyz'])
