from $image
run echo hi
