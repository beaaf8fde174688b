#!/usr/bin/env bash
set -euo pipefail

TAG="${CI_COMMIT_SHORT_SHA:-dev}"
docker build --file Dockerfile \
  --tag "app:${TAG}" \
  ../
