#!/bin/sh
/kaniko/executor --context "$CI_PROJECT_DIR" --dockerfile Dockerfile --destination "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"
