# escape=`
FROM `$NOTVAR/img AS a
FROM \$REG/app:$TAG `
  AS b
