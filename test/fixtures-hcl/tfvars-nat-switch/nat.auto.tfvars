nat = false
