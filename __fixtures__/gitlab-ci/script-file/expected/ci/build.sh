#!/bin/sh
docker build -t "$IMG" --build-arg CI_REGISTRY_IMAGE --build-arg CI_COMMIT_SHORT_SHA .
