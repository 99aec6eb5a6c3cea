# replaces: ex1_channel_stats
# fails: ex1_test_batches
# Averages the batches' own means and standard deviations: the means are right for equal batch sizes, the standard deviations never are.
def channel_stats(batches):
    means, stds = [], []
    for x in batches:
        means.append(x.mean(dim=(0, 2, 3)))
        stds.append(x.std(dim=(0, 2, 3)))
    return sum(means) / len(means), sum(stds) / len(stds)
