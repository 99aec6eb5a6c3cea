# replaces: ex2_freeze_to
# fails: ex2_test_positive, ex2_test_negative, ex2_test_norm, ex2_test_freeze_unfreeze
# Not from scratch: calls fastai's Learner.freeze_to, which this exercise re-implements.
def freeze_to(learn, n):
    learn.freeze_to(n)

def freeze(learn):
    learn.freeze()

def unfreeze(learn):
    learn.unfreeze()
