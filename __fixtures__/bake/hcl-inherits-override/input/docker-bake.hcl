# Images of the project
variable "TAG" {
  default = "latest"
}

group "default" {
  targets = ["api", "worker"]
}

target "_base" {
  context = "."
  args = {
    NODE_VERSION = "20"
  }
}

target "api" {
  inherits   = ["_base"]
  dockerfile = "api/Dockerfile"
  tags       = ["registry.example.com/api:${TAG}"]
}

target "worker" {
  inherits   = ["_base"]
  dockerfile = "worker/Dockerfile"
  tags       = ["registry.example.com/worker:${TAG}"]
}
