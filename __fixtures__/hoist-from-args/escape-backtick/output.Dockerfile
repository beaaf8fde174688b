# escape=`
ARG REG
ARG TAG
FROM `$NOTVAR/img AS a
FROM \$REG/app:$TAG `
  AS b
