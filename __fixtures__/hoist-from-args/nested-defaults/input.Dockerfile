ARG A=x
FROM ${A:-${B:-alpine}}:${C-latest}
