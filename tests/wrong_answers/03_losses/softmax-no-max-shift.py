# replaces: ex1_softmax
# fails: ex1_test_large
# The formula as written, without subtracting the maximum: exp overflows at logits like 1000 and gives nan.
def softmax(x, dim=-1):
    e = x.exp()
    return e / e.sum(dim, keepdim=True)
