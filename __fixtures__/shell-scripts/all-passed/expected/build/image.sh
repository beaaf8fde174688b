#!/bin/sh
cd build
podman build --build-arg=BASE="$BASE" -f Containerfile .
