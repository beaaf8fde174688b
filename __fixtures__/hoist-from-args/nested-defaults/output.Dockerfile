ARG A=x
ARG B
ARG C
FROM ${A:-${B:-alpine}}:${C-latest}
