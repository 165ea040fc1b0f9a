a = 1
filename = "x"
