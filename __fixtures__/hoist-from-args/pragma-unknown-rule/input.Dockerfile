# check=skip=JSONArgsRecommended
# dockerfile-argfix global ignore=InvalidDefaultArgInFrom,Bogus
ARG TAG=1
# dockerfile-argfix ignore=UndefinedArgInFrm
FROM $IMAGE:$TAG
