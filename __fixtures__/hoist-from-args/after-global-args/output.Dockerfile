# syntax=docker/dockerfile:1
ARG REGISTRY=docker.io
ARG IMAGE
ARG TAG=1.2

# the base image
FROM $REGISTRY/$IMAGE:$TAG AS build
ARG TAG=1.2

FROM build
