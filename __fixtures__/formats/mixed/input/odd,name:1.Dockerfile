FROM $REGISTRY/app:$TAG
# dockerfile-argfix ignore
FROM $OTHER AS second
FROM ${IMG:?100%needed}
