# replaces: ex1_channel_stats
# fails: ex1_test_batches
# Averages the per-batch averages (of x and of x**2): right when all batches have the same size, wrong when the last one is smaller.
def channel_stats(batches):
    means, squares, n = [], [], 0
    for x in batches:
        v = x.double().transpose(0, 1).reshape(x.shape[1], -1)
        means.append(v.mean(1))
        squares.append((v**2).mean(1))
        n += v.shape[1]
    mean = sum(means) / len(means)
    var = (sum(squares) / len(squares) - mean**2) * n / (n - 1)
    return mean, var.sqrt()
