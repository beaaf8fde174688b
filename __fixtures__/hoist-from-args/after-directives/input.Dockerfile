# syntax=docker/dockerfile:1
# escape=\
# check=error=true
# A comment about the build
FROM ${BASE_IMAGE}:${TAG:-3.20}
RUN echo hi
