# replaces: ex1_softmax
# fails: ex1_test_rows, ex1_test_dim, ex1_test_large
# Calls the tensor method it should re-implement: right values, but not from scratch.
def softmax(x, dim=-1):
    return x.softmax(dim)
