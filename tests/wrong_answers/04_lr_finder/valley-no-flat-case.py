# replaces: ex3c_valley
# fails: ex3c_test_rules
# Forgets fastai's special case for a curve with no valley (n = 1): start = -1 points at the last learning rate.
def valley(lrs, losses):
    losses = [float(o) for o in losses]
    lds = []
    for i, l in enumerate(losses):
        lds.append(1 + max([lds[j] for j in range(i) if losses[j] > l], default=0))
    n = max(lds)
    end = lds.index(n)
    start = end - n
    return float(lrs[start + int((end - start)/3) + int((end - start)/3/2)])
