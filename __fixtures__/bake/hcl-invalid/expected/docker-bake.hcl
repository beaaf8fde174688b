target "default" {
  context = "."
  args = {
    BASE = "x"
