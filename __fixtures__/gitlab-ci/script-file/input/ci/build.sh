#!/bin/sh
docker build -t "$IMG" .
