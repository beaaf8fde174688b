#!/bin/sh
OPTS="--pull --no-cache"
docker build $OPTS -t tools images/tools
