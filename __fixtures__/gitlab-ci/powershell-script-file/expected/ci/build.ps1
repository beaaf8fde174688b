$ErrorActionPreference = "Stop"
docker build `
  -f docker\Dockerfile `
  -t "app:$env:CI_COMMIT_SHORT_SHA" `
  .
