# replaces: ex2_smooth_losses
# fails: ex2_test_debias, ex2_test_fastai
# beta and 1-beta swapped: the new loss gets weight beta (98%) and the old average 1-beta.
def smooth_losses(losses, beta=0.98):
    avg, res = 0., []
    for k, loss in enumerate(losses, start=1):
        avg = (1-beta)*avg + beta*float(loss)
        res.append(avg / (1 - beta**k))
    return res
