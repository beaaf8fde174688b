#!/bin/sh
echo "docker build -t app ." > ci/generated.sh
