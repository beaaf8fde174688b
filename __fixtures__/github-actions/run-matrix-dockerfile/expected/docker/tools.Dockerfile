ARG BASE_IMAGE=alpine:3.22
FROM ${BASE_IMAGE}
RUN apk add git
