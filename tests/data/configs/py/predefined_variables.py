work_dir = './work_dirs/{{ fileBasenameNoExtension }}'
names = dict(dirname='{{ fileDirname }}', basename='{{fileBasename}}', ext='{{ fileExtname }}')
