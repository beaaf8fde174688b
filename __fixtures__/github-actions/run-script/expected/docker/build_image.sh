#!/bin/bash
set -e
docker build --file Dockerfile --tag app --build-arg BASE_IMAGE ../
