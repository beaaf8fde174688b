# syntax=docker/dockerfile:1
ARG ALPINE=3.20

# application image
ARG IMAGE=$CI_REGISTRY_IMAGE/app
FROM $IMAGE:$TAG
