ARG NODE_IMAGE=node:22-alpine
FROM $NODE_IMAGE AS test
ARG FEATURES
RUN npm test -- --features "$FEATURES"
