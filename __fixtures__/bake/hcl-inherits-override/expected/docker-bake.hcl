# Images of the project
variable "TAG" {
  default = "latest"
}

variable "REGISTRY" {
  default = null
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
  args = {
    REGISTRY = REGISTRY
  }
}

target "worker" {
  inherits   = ["_base"]
  dockerfile = "worker/Dockerfile"
  tags       = ["registry.example.com/worker:${TAG}"]
}
