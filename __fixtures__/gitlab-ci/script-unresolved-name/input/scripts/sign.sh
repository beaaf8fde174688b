#!/bin/bash
set -e
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
docker build -t signer -f "${HERE}/Dockerfile.sign" "${HERE}"
docker build -t upstream-tool https://github.com/example/tool.git
