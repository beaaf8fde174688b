FROM --platform=$BULIDPLATFORM golang AS build
FROM img$1
