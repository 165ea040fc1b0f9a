lr = 0.2
other = 1
