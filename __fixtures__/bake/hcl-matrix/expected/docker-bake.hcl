variable "ALPINE_VERSION" {
  default = null
}

variable "DEBIAN_VERSION" {
  default = null
}

// One image per directory of images/
group "default" {
  targets = ["images"]
}

target "images" {
  name = "image-${item}"
  matrix = {
    item = ["alpine", "debian"]
  }
  context = "images/${item}"
  tags    = ["example/${item}:latest"]
  args = {
    ALPINE_VERSION = ALPINE_VERSION
    DEBIAN_VERSION = DEBIAN_VERSION
  }
}
