group "validate" {
  targets = ["lint", "lint-gopls"]
}

target "lint" {
  dockerfile = "lint.Dockerfile"
  target     = "lint"
}

// Inherits lint's args: it gets the new one from there, not in its own block.
target "lint-gopls" {
  inherits = ["lint"]
  target   = "gopls"
}
