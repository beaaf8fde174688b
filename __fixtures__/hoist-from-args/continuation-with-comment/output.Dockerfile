ARG REGISTRY
ARG TAG
FROM $REGISTRY\
# a comment inside the continuation

/app:$TAG \
  AS build
RUN make
