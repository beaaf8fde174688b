export BUILD_ARGS="--build-arg TOOLS_VERSION=2"
