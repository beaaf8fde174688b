variable "TAG" {
  default = "dev"
}

target "docker-metadata-action" {
  tags = ["acme/app:local"]
}

target "_common" {
  args = {
    APP_VERSION = TAG
  }
}

target "app" {
  inherits = ["_common", "docker-metadata-action"]
  context  = "images/app"
}
