# replaces: ex3a_minimum
# fails: ex3a_test_minimum
# Not from scratch: calls fastai's minimum, which this exercise re-implements.
def minimum(lrs, losses):
    return fastai.callback.schedule.minimum(torch.tensor(lrs), torch.tensor(losses), len(lrs))[0]
