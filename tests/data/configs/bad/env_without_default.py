root = '{{$CFGKIT_TEST_SURELY_UNSET:}}/x'
