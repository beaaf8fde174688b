#!/bin/sh
docker build -t app .
