FROM $CI_REGISTRY_IMAGE/base:latest
RUN true
