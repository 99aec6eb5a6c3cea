# replaces: ex1_softmax
# fails: ex1_test_dim
# Always works along the last axis, whatever `dim` says.
def softmax(x, dim=-1):
    e = (x - x.amax(-1, keepdim=True)).exp()
    return e / e.sum(-1, keepdim=True)
