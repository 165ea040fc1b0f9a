data_root = '{{$CFGKIT_TEST_DATA_ROOT:/data/default}}/coco/'
num_classes = {{'$CFGKIT_TEST_NUM_CLASSES:80'}}
spaced = '{{ $CFGKIT_TEST_UNSET_SPACED : fallback }}'
