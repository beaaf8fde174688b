#!/bin/sh
set -eu
docker build $EXTRA_ARGS -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" --build-arg CI_COMMIT_REF_SLUG .
