variable "GO_VERSION" {
  default = null
}

target "default" {
  context = "."
  args = {
    GO_VERSION = GO_VERSION
  }
}
