# syntax=docker/dockerfile:1
ARG REGISTRY=docker.io

# the base image
FROM $REGISTRY/$IMAGE:$TAG AS build
ARG TAG=1.2

FROM build
