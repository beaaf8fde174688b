variable "GOLANG_IMAGE" {
  default = null
}

group "validate" {
  targets = ["lint", "lint-gopls"]
}

target "lint" {
  dockerfile = "lint.Dockerfile"
  target     = "lint"
  args = {
    GOLANG_IMAGE = GOLANG_IMAGE
  }
}

// Inherits lint's args: it gets the new one from there, not in its own block.
target "lint-gopls" {
  inherits = ["lint"]
  target   = "gopls"
}
