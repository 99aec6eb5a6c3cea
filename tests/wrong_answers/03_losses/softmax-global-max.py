# replaces: ex1_softmax
# fails: ex1_test_large
# Subtracts the maximum of the whole tensor instead of each row's: a row far below it underflows to 0/0 = nan.
def softmax(x, dim=-1):
    e = (x - x.max()).exp()
    return e / e.sum(dim, keepdim=True)
