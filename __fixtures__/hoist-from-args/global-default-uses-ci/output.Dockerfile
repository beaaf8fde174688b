# syntax=docker/dockerfile:1
ARG ALPINE=3.20
ARG CI_REGISTRY_IMAGE=registry.example.com/group/project

# application image
ARG IMAGE=$CI_REGISTRY_IMAGE/app
ARG TAG=latest
FROM $IMAGE:$TAG
