_deprecation_ = dict(expected='code_in_config.py', reference='https://example.org/migrate')
value = 1
