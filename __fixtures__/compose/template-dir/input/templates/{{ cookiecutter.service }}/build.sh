#!/bin/sh
docker build -t {{ cookiecutter.service }} .
