#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
docker build -t web:latest images/web # uses images/web/Dockerfile
kaniko_flags=1
/kaniko/executor --context dir://images/web --dockerfile Dockerfile --build-arg NODE=20 --destination web
