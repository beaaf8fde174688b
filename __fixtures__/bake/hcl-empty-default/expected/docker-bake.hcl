variable "BASE_TAG" {
  default = ""
}

variable "REGISTRY" {
  default = null
}

target "default" {
  context = "."
  args = {
    REGISTRY = REGISTRY
  }
}
