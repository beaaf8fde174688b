FROM ${BASEIMAGE}
RUN apk add git
