ARG BASE_IMAGE=quay.io/jupyter/minimal-notebook
FROM $BASE_IMAGE
