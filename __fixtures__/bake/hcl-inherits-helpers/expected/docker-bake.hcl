variable "BASE_IMAGE" {
  default = "python:3.12-slim"
}

group "default" {
  targets = ["app", "worker"]
}

// docker/metadata-action writes tags into this one; it builds nothing by itself
target "docker-metadata-action" {}

target "_common" {
  args = {
    BASE_IMAGE = BASE_IMAGE
  }
}

target "app" {
  inherits = ["_common", "docker-metadata-action"]
  context  = "app"
}

target "worker" {
  inherits = ["docker-metadata-action"]
  context  = "worker"
  args = {
    BASE_IMAGE = BASE_IMAGE
  }
}
