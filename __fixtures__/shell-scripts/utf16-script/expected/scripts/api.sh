#!/bin/sh
docker build -t api .
