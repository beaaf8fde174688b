FROM golang:1.22 AS build
ARG VERSION=1.22
RUN go build

FROM alpine:$VERSION
ARG VERSION
COPY --from=build /app /app
