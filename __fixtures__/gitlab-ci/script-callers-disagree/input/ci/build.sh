#!/bin/sh
docker build -t "$IMAGE" .
