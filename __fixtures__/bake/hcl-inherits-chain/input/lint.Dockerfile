FROM ${GOLANG_IMAGE} AS lint
FROM lint AS gopls
