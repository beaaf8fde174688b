// CI: push to the cache too
target "api" {
  args = {
    BUILD_ENV = "ci"
  }
  cache-to = ["type=inline"]
}
