custom_imports = dict(imports=['json', 'os.path'], allow_failed_imports=False)
value = 1
