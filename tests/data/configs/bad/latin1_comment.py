# café au lait
a = 1
