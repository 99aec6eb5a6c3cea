# replaces: ex3c_valley
# fails: ex3c_test_rules, ex3c_test_fastai
# Counts only runs of neighbouring points that go down, not the longest decreasing subsequence.
def valley(lrs, losses):
    losses = [float(o) for o in losses]
    lds = [1]
    for i in range(1, len(losses)): lds.append(lds[-1] + 1 if losses[i] < losses[i-1] else 1)
    n = max(lds)
    end = lds.index(n)
    start = end - n if n > 1 else 0
    return float(lrs[start + int((end - start)/3) + int((end - start)/3/2)])
