variable "BASE_TAG" {
  default = ""
}

variable "REGISTRY" {
}

target "default" {
  context = "."
}
