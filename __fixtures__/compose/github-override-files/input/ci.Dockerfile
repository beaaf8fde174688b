FROM ${RUST_IMAGE} AS test
ARG FEATURES
RUN cargo test --features "$FEATURES"
