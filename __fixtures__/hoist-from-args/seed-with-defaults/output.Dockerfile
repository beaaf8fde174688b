ARG CI_REGISTRY_IMAGE=registry.gitlab.com/group/mytorch
ARG CI_COMMIT_BEFORE_SHA=latest
FROM $CI_REGISTRY_IMAGE:$CI_COMMIT_BEFORE_SHA

COPY mytorch/ /home/model-server/mydata/
