# check=skip=InvalidDefaultArgInFrom
# dockerfile-argfix ignore=UndefinedArgInFrom
FROM $LEGACY
# check=skip=UndefinedArgInFrom
FROM $ALSO_SKIPPED
FROM $WANTED:1
