FROM --platform=$HOST_PLATFORM alpine:3.20 AS tools
FROM --platform=${BUILDPLATFORM} alpine:${ALPINE_VERSION:-3.20}
