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
}
