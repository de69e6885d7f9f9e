nat = true
