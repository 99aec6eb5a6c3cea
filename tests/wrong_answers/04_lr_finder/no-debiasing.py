# replaces: ex2_smooth_losses
# fails: ex2_test_debias, ex2_test_fastai
# The moving average is not divided by 1 - beta**k, so the first values are pulled towards 0.
def smooth_losses(losses, beta=0.98):
    avg, res = 0., []
    for loss in losses:
        avg = beta*avg + (1-beta)*float(loss)
        res.append(avg)
    return res
