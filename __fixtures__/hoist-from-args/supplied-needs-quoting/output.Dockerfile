ARG IMAGE='alpine:3.20 # not a comment'
FROM $IMAGE
