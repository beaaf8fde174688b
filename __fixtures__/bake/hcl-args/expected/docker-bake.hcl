variable "GO_VERSION" {
  default = null
}

variable "GO_REGISTRY" {
  default = null
}

target "default" {
  context = "."
  args = {
    GO_VERSION = GO_VERSION
    GO_REGISTRY = GO_REGISTRY
  }
}
