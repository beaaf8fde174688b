#!/bin/bash
set -euo pipefail
BASE_REF=${BASE_REF:-ubuntu:24.04}
ARGS=()
ARGS+=(--build-arg "BASE=${BASE_REF}")
ARGS+=(--tag "app:${1:-dev}")
docker buildx build "${ARGS[@]}" images/app
