FROM $CI_REGISTRY_IMAGE:$CI_COMMIT_BEFORE_SHA

COPY mytorch/ /home/model-server/mydata/
