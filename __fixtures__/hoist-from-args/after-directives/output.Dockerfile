# syntax=docker/dockerfile:1
# escape=\
# check=error=true
ARG BASE_IMAGE
ARG TAG
# A comment about the build
FROM ${BASE_IMAGE}:${TAG:-3.20}
RUN echo hi
