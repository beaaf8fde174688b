target "default" { context = "." }
