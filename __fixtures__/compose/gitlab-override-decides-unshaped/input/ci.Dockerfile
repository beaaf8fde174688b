FROM $NODE_IMAGE AS test
ARG FEATURES
RUN npm test -- --features "$FEATURES"
