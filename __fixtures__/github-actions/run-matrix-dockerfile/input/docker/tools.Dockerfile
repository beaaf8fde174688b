FROM ${BASE_IMAGE}
RUN apk add git
