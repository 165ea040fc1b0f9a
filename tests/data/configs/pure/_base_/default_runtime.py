default_scope = 'fakelib'
work_dir = 'work_dirs/pure'
log_levels = ('INFO', 'DEBUG')
